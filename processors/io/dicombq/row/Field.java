package io.dicombq.row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One column of a destination table, shaped like a BigQuery schema field
 * ({@code name, type, mode, fields}). The same description drives the embedded warehouse
 * (DuckDB STRUCT/LIST types) and real BigQuery.
 */
public record Field(String name, Type type, Mode mode, List<Field> fields) {

    public enum Type { STRING, INTEGER, FLOAT, DATE, TIME, TIMESTAMP, RECORD }

    public enum Mode { NULLABLE, REPEATED }

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mode, "mode");
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    public static Field nullable(String name, Type type) {
        return new Field(name, type, Mode.NULLABLE, List.of());
    }

    public static Field repeated(String name, Type type) {
        return new Field(name, type, Mode.REPEATED, List.of());
    }

    public static Field record(String name, Mode mode, List<Field> fields) {
        return new Field(name, Type.RECORD, mode, fields);
    }

    /**
     * Same name, type, mode and sub-fields. Written out rather than left to the record: the
     * schema cache of the store and the batch writers compare and hash whole schemas per row,
     * and the generated methods (through method handles, recursing into each sub-field list)
     * showed in the drop folder's profile; a field compared with itself returns at once.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Field f && type == f.type && mode == f.mode && name.equals(f.name)
                && fields.equals(f.fields);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + type.ordinal()) * 31 + mode.ordinal()) * 31 + fields.hashCode();
    }

    public boolean isRepeated() {
        return mode == Mode.REPEATED;
    }

    /** The BigQuery REST representation ({@code TableFieldSchema}). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("type", type.name());
        json.put("mode", mode.name());
        if (type == Type.RECORD) {
            List<Object> children = new ArrayList<>(fields.size());
            for (Field f : fields) {
                children.add(f.toJson());
            }
            json.put("fields", children);
        }
        return json;
    }

    @SuppressWarnings("unchecked")
    public static Field fromJson(Map<String, Object> json) {
        List<Field> children = new ArrayList<>();
        Object sub = json.get("fields");
        if (sub instanceof List<?> list) {
            for (Object o : list) {
                children.add(fromJson((Map<String, Object>) o));
            }
        }
        Object mode = json.get("mode");
        return new Field((String) json.get("name"), Type.valueOf((String) json.get("type")),
                mode == null ? Mode.NULLABLE : Mode.valueOf((String) mode), children);
    }
}
