package io.dicombq.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The warehouse's load file: one JSON line per row, values checked against the table's fields. */
class BatchJsonTest {

    private static final Field NAME = Field.record("PatientName", Field.Mode.NULLABLE, List.of(
            Field.record("Alphabetic", Field.Mode.NULLABLE, List.of(
                    Field.nullable("FamilyName", Field.Type.STRING), Field.nullable("GivenName", Field.Type.STRING)))));
    private static final Field CODES = Field.record("ProcedureCodeSequence", Field.Mode.REPEATED, List.of(
            Field.nullable("CodeValue", Field.Type.STRING), Field.nullable("CodingSchemeDesignator", Field.Type.STRING)));
    private static final Field SLICE = Field.nullable("SliceThickness", Field.Type.FLOAT);
    private static final Field ROWS = Field.nullable("Rows", Field.Type.INTEGER);
    private static final Field TYPES = Field.repeated("ImageType", Field.Type.STRING);
    private static final Field EMPTY = Field.record("EmptySequence", Field.Mode.REPEATED, List.of());
    /** The table: more columns than any one row has, in another order than the rows'. */
    private static final List<Field> TABLE = List.of(Field.nullable("Modality", Field.Type.STRING), CODES, SLICE,
            Field.nullable("StudyDescription", Field.Type.STRING), NAME, ROWS, TYPES, EMPTY,
            Field.nullable("SOPInstanceUID", Field.Type.STRING));

    private static MetadataRow row(Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new MetadataRow(values, new Schema(TABLE));
    }

    private static List<Map<String, Object>> written(MetadataRow... rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchJson.write(TABLE, Arrays.asList(rows), out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals('\n', text.charAt(text.length() - 1), "the file ends with a newline");
        List<Map<String, Object>> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : text.split("\n")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = json.readValue(line, Map.class);
            lines.add(parsed);
        }
        return lines;
    }

    private static IllegalArgumentException refused(MetadataRow row) {
        return assertThrows(IllegalArgumentException.class,
                () -> BatchJson.write(TABLE, List.of(row), new ByteArrayOutputStream()));
    }

    @Test
    void eachRowIsOneLineOfItsOwnValuesNestedOnesIncludedNullsLeftOut() throws Exception {
        MetadataRow ct = row("SOPInstanceUID", "1.2.3", "Modality", "CT", "Rows", 512L,
                "ImageType", List.of("ORIGINAL", "PRIMARY"), "SliceThickness", 0.625,
                "PatientName", Map.of("Alphabetic", Map.of("FamilyName", "Doe", "GivenName", "Jane")),
                "ProcedureCodeSequence", List.of(Map.of("CodeValue", "CTHEAD", "CodingSchemeDesignator", "L")),
                "StudyDescription", null);
        MetadataRow sr = row("Modality", "SR", "SOPInstanceUID", "1.2.4");
        List<Map<String, Object>> lines = written(ct, sr);

        assertEquals(2, lines.size());
        Map<String, Object> expected = new LinkedHashMap<>(ct.values());
        expected.remove("StudyDescription");
        expected.put("Rows", 512); // Jackson reads small integers back as Integer
        assertEquals(expected, lines.get(0));
        assertEquals(Map.of("Modality", "SR", "SOPInstanceUID", "1.2.4"), lines.get(1));
    }

    @Test
    void numbersThatAreNotJsonNumbersGoAsTextForDuckDbToCast() throws Exception {
        assertEquals("NaN", written(row("SliceThickness", Double.NaN)).get(0).get("SliceThickness"));
        assertEquals("Infinity", written(row("SliceThickness", Double.POSITIVE_INFINITY)).get(0).get("SliceThickness"));
        ByteArrayOutputStream exact = new ByteArrayOutputStream();
        BatchJson.write(TABLE, List.of(row("SliceThickness", new java.math.BigDecimal("1.50"))), exact);
        assertEquals("{\"SliceThickness\":1.50}\n", exact.toString(StandardCharsets.UTF_8), "a decimal as it is written");
    }

    @Test
    void aRecordWithNoTypedFieldHasNoColumnInDuckDbAndIsLeftOut() throws Exception {
        assertEquals(Map.of("Modality", "MR"),
                written(row("Modality", "MR", "EmptySequence", List.of(Map.of()))).get(0));
    }

    @Test
    void aValueWithoutAFieldIsRefusedNamingItsPath() {
        assertEquals("column 'Manufacturer' has a value but no field in the row's schema",
                refused(row("Modality", "CT", "Manufacturer", "ACME")).getMessage());
        assertEquals("column 'Manufacturer' has a value but no field in the row's schema",
                refused(row("Manufacturer", null)).getMessage());
        assertEquals("column 'PatientName.Alphabetic.MiddleName' has a value but no field in the row's schema",
                refused(row("PatientName", Map.of("Alphabetic", Map.of("MiddleName", "Q")))).getMessage());
        assertEquals("column 'ProcedureCodeSequence.CodeMeaning' has a value but no field in the row's schema",
                refused(row("ProcedureCodeSequence", List.of(Map.of("CodeMeaning", "Head")))).getMessage());
    }

    @Test
    void aValueOfTheWrongShapeIsRefusedNamingItsPath() {
        assertEquals("column 'ImageType' is REPEATED but the value is not a list: ORIGINAL",
                refused(row("ImageType", "ORIGINAL")).getMessage());
        assertEquals("column 'PatientName.Alphabetic' is a RECORD but the value is not: Doe",
                refused(row("PatientName", Map.of("Alphabetic", "Doe"))).getMessage());
        assertEquals("column 'Rows' is INTEGER (NULLABLE) but the value is [1, 2]",
                refused(row("Rows", List.of(1L, 2L))).getMessage());
    }
}
