package io.dicombq.row;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RowBytesTest {
    private static final byte[] JSON = "{\"stored\":true}".getBytes(StandardCharsets.UTF_8);

    /** A row with a person name, a multi-valued element, a sequence of items and a null. */
    private static Map<String, Object> row() {
        Map<String, Object> alphabetic = new LinkedHashMap<>();
        alphabetic.put("FamilyName", "Doe");
        alphabetic.put("GivenName", "Jane");
        Map<String, Object> name = new LinkedHashMap<>();
        name.put("Alphabetic", alphabetic);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CodeValue", "T-D4000");
        item.put("ReferencedFrameNumber", new ArrayList<>(List.of(1L, 2L)));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("SOPInstanceUID", "1.2.3");
        row.put("PatientName", name);
        row.put("ImageType", new ArrayList<>(List.of("ORIGINAL", "PRIMARY")));
        row.put("AnatomicRegionSequence", new ArrayList<>(List.of(item)));
        row.put("StudyDescription", null);
        row.put("Rows", 512L);
        return row;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> row, Object... path) {
        Object v = row;
        for (Object p : path) {
            v = p instanceof Integer i ? ((List<Object>) v).get(i) : ((Map<String, Object>) v).get(p);
        }
        return (T) v;
    }

    private static void assertChangeSeen(Consumer<Map<String, Object>> change) {
        Map<String, Object> row = row();
        RowBytes bytes = RowBytes.of(row, JSON);
        change.accept(row);
        assertNull(bytes.jsonOf(row), "changed: " + row);
    }

    @Test
    void theBytesWhileTheRowHoldsWhatTheyWereMadeOf() {
        Map<String, Object> row = row();
        RowBytes bytes = RowBytes.of(row, JSON);
        assertArrayEquals(JSON, bytes.jsonOf(row));
        row.put("Rows", row.get("Rows")); // the same object again
        assertArrayEquals(JSON, bytes.jsonOf(row));
    }

    @Test
    void noBytesOnceAColumnIsPutReplacedOrRemovedOrTheColumnsMove() {
        assertChangeSeen(r -> r.put("Modality", "CT"));
        assertChangeSeen(r -> r.remove("StudyDescription"));
        assertChangeSeen(r -> r.put("StudyDescription", "Head"));
        assertChangeSeen(r -> r.put("Rows", Long.valueOf(new String("512")))); // equal, another object
        assertChangeSeen(r -> r.put("SOPInstanceUID", r.remove("SOPInstanceUID")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void noBytesOnceAValueInsideANameASequenceItemOrAListChanges() {
        assertChangeSeen(r -> ((Map<String, Object>) at(r, "PatientName", "Alphabetic")).put("FamilyName", "Anonymous"));
        assertChangeSeen(r -> ((Map<String, Object>) at(r, "PatientName", "Alphabetic")).remove("GivenName"));
        assertChangeSeen(r -> ((Map<String, Object>) at(r, "PatientName")).put("Ideographic", null));
        assertChangeSeen(r -> ((List<Object>) at(r, "ImageType")).set(1, "SECONDARY"));
        assertChangeSeen(r -> ((List<Object>) at(r, "ImageType")).add("AXIAL"));
        assertChangeSeen(r -> ((List<Object>) at(r, "AnatomicRegionSequence", 0, "ReferencedFrameNumber")).set(0, 3L));
        assertChangeSeen(r -> ((Map<String, Object>) at(r, "AnatomicRegionSequence", 0)).put("CodeMeaning", "Head"));
        assertChangeSeen(r -> ((List<Object>) at(r, "AnatomicRegionSequence")).add(Map.of()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aListOfNullsAndEmptyContainersIsTracedToo() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ImagePositionPatient", Arrays.asList(null, null));
        row.put("OtherElements", new ArrayList<>());
        row.put("Empty", new LinkedHashMap<>());
        RowBytes bytes = RowBytes.of(row, JSON);
        assertArrayEquals(JSON, bytes.jsonOf(row));
        ((List<Object>) row.get("ImagePositionPatient")).set(0, 1.0);
        assertNull(bytes.jsonOf(row));
    }
}
