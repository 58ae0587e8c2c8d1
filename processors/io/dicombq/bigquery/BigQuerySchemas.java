package io.dicombq.bigquery;

import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.LegacySQLTypeName;
import io.dicombq.row.Field;
import io.dicombq.row.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the project's {@link Schema} and the BigQuery client's
 * {@link com.google.cloud.bigquery.Schema}, and computes the schema a table patch must send.
 * Pure functions: no client, no I/O.
 */
public final class BigQuerySchemas {

    private BigQuerySchemas() {
    }

    public static com.google.cloud.bigquery.Schema toBigQuery(Schema schema) {
        return com.google.cloud.bigquery.Schema.of(toBigQuery(schema.fields()));
    }

    static List<com.google.cloud.bigquery.Field> toBigQuery(List<Field> fields) {
        List<com.google.cloud.bigquery.Field> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(toBigQuery(f));
        }
        return out;
    }

    public static com.google.cloud.bigquery.Field toBigQuery(Field f) {
        com.google.cloud.bigquery.Field.Builder b = f.type() == Field.Type.RECORD
                ? com.google.cloud.bigquery.Field.newBuilder(f.name(), LegacySQLTypeName.RECORD,
                        FieldList.of(toBigQuery(f.fields())))
                : com.google.cloud.bigquery.Field.newBuilder(f.name(), legacyType(f.type()));
        return b.setMode(f.isRepeated() ? com.google.cloud.bigquery.Field.Mode.REPEATED
                : com.google.cloud.bigquery.Field.Mode.NULLABLE).build();
    }

    private static LegacySQLTypeName legacyType(Field.Type type) {
        return switch (type) {
            case STRING -> LegacySQLTypeName.STRING;
            case INTEGER -> LegacySQLTypeName.INTEGER;
            case FLOAT -> LegacySQLTypeName.FLOAT;
            case DATE -> LegacySQLTypeName.DATE;
            case TIME -> LegacySQLTypeName.TIME;
            case TIMESTAMP -> LegacySQLTypeName.TIMESTAMP;
            case RECORD -> LegacySQLTypeName.RECORD;
        };
    }

    /**
     * The project's view of a BigQuery schema. Columns of types the project never writes
     * (BOOLEAN, NUMERIC, BYTES, ... added by someone else) are left out: they are kept
     * untouched by {@link #withAdded} and never compared.
     */
    public static Schema fromBigQuery(com.google.cloud.bigquery.Schema schema) {
        Schema out = new Schema();
        if (schema != null && schema.getFields() != null) {
            out.addAll(fromBigQuery(schema.getFields()));
        }
        return out;
    }

    static List<Field> fromBigQuery(FieldList fields) {
        List<Field> out = new ArrayList<>();
        for (com.google.cloud.bigquery.Field f : fields) {
            Field.Type type = ourType(f.getType());
            if (type == null) {
                continue;
            }
            Field.Mode mode = f.getMode() == com.google.cloud.bigquery.Field.Mode.REPEATED
                    ? Field.Mode.REPEATED : Field.Mode.NULLABLE;
            List<Field> children = type == Field.Type.RECORD && f.getSubFields() != null
                    ? fromBigQuery(f.getSubFields()) : List.of();
            out.add(new Field(f.getName(), type, mode, children));
        }
        return out;
    }

    private static Field.Type ourType(LegacySQLTypeName t) {
        if (t == null) {
            return null;
        }
        if (t.equals(LegacySQLTypeName.STRING)) {
            return Field.Type.STRING;
        } else if (t.equals(LegacySQLTypeName.INTEGER)) {
            return Field.Type.INTEGER;
        } else if (t.equals(LegacySQLTypeName.FLOAT)) {
            return Field.Type.FLOAT;
        } else if (t.equals(LegacySQLTypeName.DATE)) {
            return Field.Type.DATE;
        } else if (t.equals(LegacySQLTypeName.TIME)) {
            return Field.Type.TIME;
        } else if (t.equals(LegacySQLTypeName.TIMESTAMP)) {
            return Field.Type.TIMESTAMP;
        } else if (t.equals(LegacySQLTypeName.RECORD)) {
            return Field.Type.RECORD;
        }
        return null;
    }

    /**
     * The table's schema with every field of {@code wanted} it lacks appended, nested RECORD
     * fields included; {@code null} when nothing is missing. Existing fields are copied as
     * they are (descriptions, policy tags, foreign types), because a patch that changes or
     * drops an existing field is rejected.
     */
    public static com.google.cloud.bigquery.Schema withAdded(com.google.cloud.bigquery.Schema existing,
                                                              Schema wanted) {
        FieldList have = existing == null || existing.getFields() == null
                ? FieldList.of() : existing.getFields();
        List<com.google.cloud.bigquery.Field> merged = merge(have, wanted.fields());
        return merged == null ? null : com.google.cloud.bigquery.Schema.of(merged);
    }

    /** Merged list, or null when {@code have} already holds all of {@code wanted}. */
    private static List<com.google.cloud.bigquery.Field> merge(FieldList have, List<Field> wanted) {
        Map<String, com.google.cloud.bigquery.Field> byName = new LinkedHashMap<>();
        for (com.google.cloud.bigquery.Field f : have) {
            byName.put(f.getName(), f);
        }
        boolean changed = false;
        for (Field w : wanted) {
            com.google.cloud.bigquery.Field current = findIgnoringCase(byName, w.name());
            if (current == null) {
                byName.put(w.name(), toBigQuery(w));
                changed = true;
            } else if (w.type() == Field.Type.RECORD
                    && LegacySQLTypeName.RECORD.equals(current.getType())) {
                FieldList sub = current.getSubFields() == null ? FieldList.of() : current.getSubFields();
                List<com.google.cloud.bigquery.Field> mergedSub = merge(sub, w.fields());
                if (mergedSub != null) {
                    byName.put(current.getName(), current.toBuilder()
                            .setType(LegacySQLTypeName.RECORD, FieldList.of(mergedSub)).build());
                    changed = true;
                }
            }
            // A same-named column of another type cannot be changed by a patch; rows that do
            // not fit are rejected per row by BigQuery and dead-lettered with its reason.
        }
        return changed ? new ArrayList<>(byName.values()) : null;
    }

    // BigQuery column names are case-insensitive: adding "patientname" next to "PatientName" fails.
    private static com.google.cloud.bigquery.Field findIgnoringCase(
            Map<String, com.google.cloud.bigquery.Field> byName, String name) {
        com.google.cloud.bigquery.Field exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, com.google.cloud.bigquery.Field> e : byName.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
