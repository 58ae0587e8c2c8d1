package io.dicombq.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /** A row (non-ASCII text, NaN, a sequence, a null). */
    private static final Map<String, Object> ROW = new LinkedHashMap<>();

    static {
        ROW.put("PatientName", "Doe^Jane \"quoted\" \u00e9\u4e2d");
        ROW.put("RescaleSlope", Double.NaN);
        ROW.put("AnatomicRegionSequence", List.of(Map.of("CodeValue", "T-D4000"), Map.of()));
        ROW.put("StudyDescription", null);
    }

    /** An index record but its row: its SOP and its size. */
    private static Map<String, Object> record(long size) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("sop", "1.2.3.4.5");
        record.put("size", size);
        return record;
    }

    @Test
    void appendsOneLinePerRecordThatReadsBackAsTheNewestPerSop() throws IOException {
        SeriesIndex index = new SeriesIndex();
        index.append(dir, record(131_072L), SeriesIndex.json(ROW));
        index.append(dir, record(9L), SeriesIndex.json(ROW));

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

    @Test
    void theRowIsWrittenLastAsTheBytesGivenAndItsLineIsStillOneJsonObject() throws IOException {
        SeriesIndex index = new SeriesIndex();
        byte[] rowJson = SeriesIndex.json(ROW);
        index.append(dir, record(7L), rowJson);

        String text = Files.readString(dir.resolve(SeriesIndex.FILE));
        assertEquals("\n{\"sop\":\"1.2.3.4.5\",\"size\":7,\"row\":" + new String(rowJson, StandardCharsets.UTF_8) + "}",
                text);
        Map<String, Object> parsed = new ObjectMapper().readValue(text.strip(), new TypeReference<>() {
        });
        assertEquals(new ObjectMapper().readValue(rowJson, Map.class), parsed.get("row"));
    }
}
