package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonRowsTest {

    private static MetadataRow row(Map<String, Object> values) {
        return new MetadataRow(values, null);
    }

    @Test
    void valuesBecomeWhatTheClientCanWriteAndNullsAreLeftOut() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("CodeValue", "T-D0050");
        item.put("CodeMeaning", null);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("LastUpdated", Instant.parse("2026-11-25T10:00:00.123456Z"));
        values.put("StudyDate", LocalDate.parse("2026-11-25"));
        values.put("PixelSpacing", Arrays.asList(0.5, null, 0.5));
        values.put("Big", new BigDecimal("12345678901234567890.5"));
        values.put("Missing", null);
        values.put("AnatomicRegionSequence", List.of(item));

        Map<String, Object> content = JsonRows.content(row(values));

        assertEquals("2026-11-25T10:00:00.123456Z", content.get("LastUpdated"));
        assertEquals("2026-11-25", content.get("StudyDate"));
        assertEquals(List.of(0.5, 0.5), content.get("PixelSpacing"));
        assertEquals("12345678901234567890.5", content.get("Big"));
        assertEquals(false, content.containsKey("Missing"));
        assertEquals(List.of(Map.of("CodeValue", "T-D0050")), content.get("AnatomicRegionSequence"));
        assertEquals(JsonRows.encodedSize(content), com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .valueToTree(content).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void valuesTheClientCanWriteAsTheyAreAreNotCopied() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("SOPInstanceUID", "1.2.3");
        values.put("Rows", 512L);
        values.put("PixelSpacing", List.of(0.5, 0.5));
        values.put("AnatomicRegionSequence", List.of(Map.of("CodeValue", "T-D0050", "Flag", true)));

        Map<String, Object> content = JsonRows.content(row(values));

        assertSame(values, content, "the row's own values, not a copy");
    }

    @Test
    void forInsertAllMakesTheJsonOfWhatTheClientWouldSend() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("SOPInstanceUID", "1.2.3");
        ready.put("Missing", null);
        ready.put("PixelSpacing", Arrays.asList(0.5, null, 0.5));
        JsonRows.ForInsertAll asItIs = JsonRows.forInsertAll(row(ready));
        assertSame(ready, asItIs.content(), "the row's own values, not a copy");
        assertEquals("{\"SOPInstanceUID\":\"1.2.3\",\"PixelSpacing\":[0.5,0.5]}",
                new String(asItIs.json(), java.nio.charset.StandardCharsets.UTF_8), "nulls left out, as the client does");
        assertEquals(asItIs.json().length, asItIs.size());

        Map<String, Object> toConvert = new LinkedHashMap<>(ready);
        toConvert.put("Big", new BigDecimal("12345678901234567890.5"));
        toConvert.put("LastUpdated", Instant.parse("2026-11-25T10:00:00Z"));
        JsonRows.ForInsertAll converted = JsonRows.forInsertAll(row(toConvert));
        assertEquals(JsonRows.content(row(toConvert)), converted.content());
        assertEquals(json.readTree(json.writeValueAsString(converted.content())), json.readTree(converted.json()));
        assertEquals("12345678901234567890.5", json.readTree(converted.json()).get("Big").textValue());

        Map<String, Object> notFinite = new LinkedHashMap<>(ready);
        notFinite.put("SliceThickness", Double.NaN);
        JsonRows.ForInsertAll refused = JsonRows.forInsertAll(row(notFinite));
        assertEquals(null, refused.json(), "left to the client's writer, which refuses it");
        assertEquals(JsonRows.encodedSize(refused.content()), refused.size());
    }

    @Test
    void aValueWithNoJsonFormIsRefusedNamingWhereItSits() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("Inner", Map.of("Deep", new Object()));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Seq", List.of(item));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonRows.content(row(values)));
        assertEquals("column Seq.Inner.Deep holds a java.lang.Object, which has no JSON form BigQuery accepts",
                e.getMessage());
    }
}
