package io.dicombq.row;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row for a destination table: column values ready for JSON (String, Long, Double,
 * Boolean, List, Map; DATE as {@code yyyy-MM-dd}, TIME as {@code HH:mm:ss[.SSSSSS]},
 * TIMESTAMP as {@code yyyy-MM-ddTHH:mm:ss[.SSSSSS]Z}) and the schema those values need.
 *
 * <p>{@code bytes}, when not null, is the values' JSON as the store wrote it ({@link RowBytes});
 * it is not part of the row's identity (equals, hashCode).
 */
public record MetadataRow(Map<String, Object> values, Schema schema, RowBytes bytes) {

    public MetadataRow {
        values = values == null ? new LinkedHashMap<>() : values;
        schema = schema == null ? new Schema() : schema;
    }

    public MetadataRow(Map<String, Object> values, Schema schema) {
        this(values, schema, null);
    }

    public Object get(String column) {
        return values.get(column);
    }

    public String getString(String column) {
        Object v = values.get(column);
        return v == null ? null : v.toString();
    }

    /** A copy whose values map can be changed without touching this row (without the store's JSON). */
    public MetadataRow copy() {
        return new MetadataRow(new LinkedHashMap<>(values), new Schema(schema.fields()));
    }

    /** This row with the JSON the store wrote of its values. */
    public MetadataRow withBytes(RowBytes written) {
        return new MetadataRow(values, schema, written);
    }

    /** The values' JSON as the store wrote it, while the row still holds what it was made of; else null. */
    public byte[] storedJson() {
        return bytes == null ? null : bytes.jsonOf(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataRow r && values.equals(r.values) && schema.equals(r.schema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, schema);
    }

    @Override
    public String toString() {
        return "MetadataRow[values=" + values + ", schema=" + schema + "]";
    }
}
