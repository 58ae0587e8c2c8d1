package io.dicombq.bigquery;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows shaped like the mapper's output, for the BigQuery tests. */
final class TestRows {

    static final List<Field> NAME_PARTS = List.of(
            Field.nullable("FamilyName", Field.Type.STRING), Field.nullable("GivenName", Field.Type.STRING),
            Field.nullable("MiddleName", Field.Type.STRING), Field.nullable("NamePrefix", Field.Type.STRING),
            Field.nullable("NameSuffix", Field.Type.STRING));

    static final Field PATIENT_NAME = Field.record("PatientName", Field.Mode.NULLABLE, List.of(
            Field.record("Alphabetic", Field.Mode.NULLABLE, NAME_PARTS),
            Field.record("Ideographic", Field.Mode.NULLABLE, NAME_PARTS),
            Field.record("Phonetic", Field.Mode.NULLABLE, NAME_PARTS)));

    private TestRows() {
    }

    static MetadataRow row(String sop, String type, Instant lastUpdated) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("StudyInstanceUID", "1.2.3");
        values.put("SeriesInstanceUID", "1.2.3.4");
        values.put("SOPInstanceUID", sop);
        MetadataRow row = new MetadataRow(values, new Schema());
        return ServiceColumns.apply(row, type, lastUpdated, 1234L, "STANDARD");
    }

    static MetadataRow withPatientName(MetadataRow row, String family, String given) {
        row.values().put("PatientName", Map.of("Alphabetic", Map.of("FamilyName", family, "GivenName", given)));
        row.schema().add(PATIENT_NAME);
        return row;
    }

    static MetadataRow with(MetadataRow row, Field field, Object value) {
        row.values().put(field.name(), value);
        row.schema().add(field);
        return row;
    }
}
