package io.dicombq.row;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row for a destination table: column values ready for JSON (String, Long, Double,
 * Boolean, List, Map; DATE as {@code yyyy-MM-dd}, TIME as {@code HH:mm:ss[.SSSSSS]},
 * TIMESTAMP as {@code yyyy-MM-ddTHH:mm:ss[.SSSSSS]Z}) and the schema those values need.
 */
public record MetadataRow(Map<String, Object> values, Schema schema) {

    public MetadataRow {
        values = values == null ? new LinkedHashMap<>() : values;
        schema = schema == null ? new Schema() : schema;
    }

    public Object get(String column) {
        return values.get(column);
    }

    public String getString(String column) {
        Object v = values.get(column);
        return v == null ? null : v.toString();
    }

    /** A copy whose values map can be changed without touching this row. */
    public MetadataRow copy() {
        return new MetadataRow(new LinkedHashMap<>(values), new Schema(schema.fields()));
    }
}
