package io.dicombq.warehouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of rows as newline-delimited JSON for DuckDB's {@code read_json}, which
 * then converts each value to its column's type (absent keys read as NULL). Values whose shape
 * cannot fit their column (a list where one value belongs, a value without a declared column)
 * fail here, naming the column, rather than being turned into text or dropped by the reader.
 */
final class BatchJson {

    private static final JsonFactory JSON = new JsonFactory();

    private BatchJson() {
    }

    /**
     * @param columns the table's definition of each column the batch writes
     */
    static void write(List<Field> columns, List<MetadataRow> rows, OutputStream out) throws IOException {
        // each row's own values are walked, each looked up in its field list, rather than every
        // column looked up in each row: a batch of CT, MR, SR and RT rows has the union of their
        // columns, several times the ~130 of one scanner's header
        FieldsByName byName = new FieldsByName();
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.setRootValueSeparator(new SerializedString("\n"));
            for (MetadataRow row : rows) {
                object(gen, byName, columns, row.values(), "");
            }
            gen.writeRaw('\n');
        }
    }

    /** A row, or a RECORD's value: each key must be one of {@code fields}; nulls are left out (read as NULL). */
    private static void object(JsonGenerator gen, FieldsByName byName, List<Field> fields, Map<?, ?> values,
                               String prefix) throws IOException {
        gen.writeStartObject();
        Map<String, Field> index = byName.of(fields);
        for (Map.Entry<?, ?> e : values.entrySet()) {
            Field field = index.get(e.getKey());
            if (field == null) {
                throw new IllegalArgumentException("column '" + prefix + e.getKey()
                        + "' has a value but no field in the row's schema");
            }
            Object v = e.getValue();
            if (v != null && DuckDbTypes.hasType(field)) {
                gen.writeFieldName(field.name());
                value(gen, byName, field, v, prefix);
            }
        }
        gen.writeEndObject();
    }

    /** Each field list of one batch (the table's, a RECORD's) indexed by name once. */
    private static final class FieldsByName {
        private final Map<List<Field>, Map<String, Field>> byList = new IdentityHashMap<>();

        Map<String, Field> of(List<Field> fields) {
            return byList.computeIfAbsent(fields, list -> {
                Map<String, Field> index = new HashMap<>(list.size() * 2);
                for (Field f : list) {
                    index.putIfAbsent(f.name(), f);
                }
                return index;
            });
        }
    }

    /**
     * A value that is not null.
     *
     * @param prefix where the field's record sits ("" for a column, "Column." for its fields), for messages
     */
    private static void value(JsonGenerator gen, FieldsByName byName, Field field, Object v, String prefix)
            throws IOException {
        if (field.isRepeated()) {
            if (!(v instanceof Collection<?> items)) {
                throw new IllegalArgumentException("column '" + prefix + field.name()
                        + "' is REPEATED but the value is not a list: " + abbreviate(v));
            }
            gen.writeStartArray();
            for (Object item : items) {
                single(gen, byName, field, item, prefix);
            }
            gen.writeEndArray();
        } else {
            single(gen, byName, field, v, prefix);
        }
    }

    private static void single(JsonGenerator gen, FieldsByName byName, Field field, Object v, String prefix)
            throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (field.type() == Field.Type.RECORD) {
            if (!(v instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("column '" + prefix + field.name()
                        + "' is a RECORD but the value is not: " + abbreviate(v));
            }
            object(gen, byName, field.fields(), map, prefix + field.name() + ".");
        } else if (v instanceof String s) {
            gen.writeString(s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            gen.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d && !Double.isFinite(d) || v instanceof Float f && !Float.isFinite(f)) {
            gen.writeString(v.toString()); // NaN and Infinity are not JSON numbers; DuckDB casts the text
        } else if (v instanceof Number n) {
            gen.writeNumber(n.toString());
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
            throw new IllegalArgumentException("column '" + prefix + field.name() + "' is " + field.type() + " ("
                    + (field.isRepeated() ? "REPEATED" : "NULLABLE") + ") but the value is " + abbreviate(v));
        } else {
            gen.writeString(v.toString());
        }
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
