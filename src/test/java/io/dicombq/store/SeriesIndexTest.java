package io.dicombq.store;

import com.fasterxml.jackson.databind.util.RawValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeriesIndexTest {
    @TempDir
    Path dir;

    private static Map<String, Object> record() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CodeValue", "T-D4000");
        item.put("ReferencedFrameNumber", List.of(1L, 2L, 3L));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("PatientName", "Doe^Jane \"quoted\" \u00e9\u4e2d");
        row.put("RescaleSlope", Double.NaN);
        row.put("AnatomicRegionSequence", List.of(item, Map.of()));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("sop", "1.2.3.4.5");
        record.put("size", 131_072L);
        record.put("row", row);
        record.put("schema", new RawValue("[{\"name\":\"Rows\",\"type\":\"INTEGER\"}]"));
        return record;
    }

    @Test
    void appendsOneLinePerRecordThatReadsBackAsTheNewestPerSop() throws IOException {
        SeriesIndex index = new SeriesIndex();
        Map<String, Object> first = record();
        Map<String, Object> second = record();
        second.put("size", 9L);
        index.append(dir, first);
        index.append(dir, second);

        String text = Files.readString(dir.resolve(SeriesIndex.FILE));
        assertEquals(2, text.split("\n", -1).length - 1, "a newline before each record: " + text);
        Map<String, Map<String, Object>> read = index.read(dir);
        assertEquals(1, read.size());
        assertEquals(9, read.get("1.2.3.4.5").get("size"));
        @SuppressWarnings("unchecked")
        Map<String, Object> row = (Map<String, Object>) read.get("1.2.3.4.5").get("row");
        assertEquals("Doe^Jane \"quoted\" \u00e9\u4e2d", row.get("PatientName"));
        assertEquals("NaN", row.get("RescaleSlope"));
        assertEquals(List.of(Map.of("CodeValue", "T-D4000", "ReferencedFrameNumber", List.of(1, 2, 3)), Map.of()),
                row.get("AnatomicRegionSequence"));
    }
}
