package io.dicombq.row;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonWalkTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A record with every kind of value a row holds, and some it does not. */
    private static Map<String, Object> record() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CodeValue", "T-D4000");
        item.put("ReferencedFrameNumber", List.of(1L, 2L, 3L));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("PatientName", "Doe^Jane \"quoted\" \u00e9\u4e2d");
        row.put("Rows", 512);
        row.put("InstanceNumber", 7L);
        row.put("SliceThickness", 0.625d);
        row.put("RescaleSlope", Double.NaN);
        row.put("WindowWidth", Float.POSITIVE_INFINITY);
        row.put("Flag", true);
        row.put("Missing", null);
        row.put("ImagePositionPatient", Arrays.asList(-125.0d, null, 301.5d));
        row.put("AnatomicRegionSequence", List.of(item, Map.of()));
        row.put("Exact", new BigDecimal("1.50"));
        row.put("Bytes", new byte[] {1, 2, 3});
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("sop", "1.2.3.4.5");
        record.put("size", 131_072L);
        record.put("row", row);
        record.put("schemaRef", "0123456789abcdef0123456789abcdef");
        return record;
    }

    @Test
    void writesARecordExactlyAsJacksonsObjectMapperDoes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = MAPPER.createGenerator(out)) {
            JsonWalk.write(gen, record());
        }
        assertEquals(MAPPER.writeValueAsString(record()), out.toString(StandardCharsets.UTF_8));
    }

}
