package io.dicombq.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesIndexTest {
    @TempDir
    Path dir;

    /** An index record: its SOP, its size and its row (non-ASCII text, NaN, a sequence, a null). */
    private static Map<String, Object> record(long size) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("PatientName", "Doe^Jane \"quoted\" \u00e9\u4e2d");
        row.put("RescaleSlope", Double.NaN);
        row.put("AnatomicRegionSequence", List.of(Map.of("CodeValue", "T-D4000"), Map.of()));
        row.put("StudyDescription", null);
        return Map.of("sop", "1.2.3.4.5", "size", size, "row", row);
    }

    @Test
    void appendsOneLinePerRecordThatReadsBackAsTheNewestPerSop() throws IOException {
        SeriesIndex index = new SeriesIndex();
        index.append(dir, record(131_072L));
        index.append(dir, record(9L));

        String text = Files.readString(dir.resolve(SeriesIndex.FILE));
        assertEquals(2, text.split("\n", -1).length - 1, "a newline before each record: " + text);
        Map<String, Map<String, Object>> read = index.read(dir);
        assertEquals(1, read.size());
        assertEquals(9, read.get("1.2.3.4.5").get("size"));
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) read.get("1.2.3.4.5").get("row");
        assertEquals("Doe^Jane \"quoted\" \u00e9\u4e2d", row.get("PatientName"));
        assertEquals("NaN", row.get("RescaleSlope"));
        assertEquals(List.of(Map.of("CodeValue", "T-D4000"), Map.of()), row.get("AnatomicRegionSequence"));
        assertTrue(row.containsKey("StudyDescription"), "nulls kept: " + row);
        assertEquals(4, row.size());
    }
}
