package io.dicombq.warehouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
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
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            gen.setRootValueSeparator(new SerializedString("\n"));
            for (MetadataRow row : rows) {
                gen.writeStartObject();
                Map<String, Object> values = row.values();
                int known = 0;
                for (Field column : columns) {
                    Object v = values.get(column.name());
                    if (v == null) {
                        known += values.containsKey(column.name()) ? 1 : 0;
                        continue;
                    }
                    known++;
                    if (DuckDbTypes.hasType(column)) {
                        gen.writeFieldName(column.name());
                        value(gen, column, v, column.name());
                    }
                }
                if (known != values.size()) {
                    throw new IllegalArgumentException("column '" + unknownKey(values.keySet(), columns)
                            + "' has a value but no field in the row's schema");
                }
                gen.writeEndObject();
            }
            gen.writeRaw('\n');
        }
    }

    private static void value(JsonGenerator gen, Field field, Object v, String path) throws IOException {
        if (v == null) {
            gen.writeNull();
            return;
        }
        if (field.isRepeated()) {
            if (!(v instanceof Collection<?> items)) {
                throw new IllegalArgumentException("column '" + path + "' is REPEATED but the value is not a list: "
                        + abbreviate(v));
            }
            gen.writeStartArray();
            for (Object item : items) {
                single(gen, field, item, path);
            }
            gen.writeEndArray();
        } else {
            single(gen, field, v, path);
        }
    }

    private static void single(JsonGenerator gen, Field field, Object v, String path) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (field.type() == Field.Type.RECORD) {
            if (!(v instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("column '" + path + "' is a RECORD but the value is not: "
                        + abbreviate(v));
            }
            gen.writeStartObject();
            int known = 0;
            for (Field sub : field.fields()) {
                Object subValue = map.get(sub.name());
                if (subValue == null) {
                    known += map.containsKey(sub.name()) ? 1 : 0;
                    continue;
                }
                known++;
                if (DuckDbTypes.hasType(sub)) {
                    gen.writeFieldName(sub.name());
                    value(gen, sub, subValue, path + "." + sub.name());
                }
            }
            if (known != map.size()) {
                throw new IllegalArgumentException("column '" + path + "." + unknownKey(map.keySet(), field.fields())
                        + "' has a value but no field in the row's schema");
            }
            gen.writeEndObject();
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
            throw new IllegalArgumentException("column '" + path + "' is " + field.type() + " ("
                    + (field.isRepeated() ? "REPEATED" : "NULLABLE") + ") but the value is " + abbreviate(v));
        } else {
            gen.writeString(v.toString());
        }
    }

    private static String unknownKey(Collection<?> keys, List<Field> fields) {
        for (Object key : keys) {
            if (fields.stream().noneMatch(f -> f.name().equals(key))) {
                return String.valueOf(key);
            }
        }
        return "?";
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
