package io.dicombq.bigquery;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.JsonWalk;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row values as the BigQuery client must receive them. The client serialises a row map with
 * its own JSON writer, which turns a {@code java.time} value into {@code {}} (and BigQuery
 * then rejects the row), so anything that is not a JSON primitive, list or map is converted
 * here or refused with a clear message.
 */
public final class JsonRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRows() {
    }

    /**
     * The row's values as the client can write them, nulls left out (a missing column reads NULL):
     * the row's own values when they already are, as the parser's rows are, which the caller must
     * not change (a read-only wrapper would cost a wrapper per entry each time it is read); otherwise
     * a converted copy. The client copies the top level into a map of its own either way.
     */
    public static Map<String, Object> content(MetadataRow row) {
        if (ready(row.values())) {
            return row.values();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : row.values().entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), jsonReady(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    /**
     * A row as insertAll takes it: the map for the client (the row's own values when {@link RowJson}
     * took them as they are, nulls included, which the client leaves out too; else {@link #content})
     * and that map's JSON ({@link RowJson}; null: the client writes it).
     */
    public record ForInsertAll(Map<String, Object> content, byte[] json) {
        /** Bytes of the row in the request. */
        public int size() {
            return json != null ? json.length : encodedSize(content);
        }
    }

    /**
     * The row's map for the client and its JSON, made in one walk when the row's own values can
     * go as they are (the parser's rows can): {@link RowJson} takes the same values
     * {@link #content} passes on unchanged, and leaves out nulls as the client does.
     */
    public static ForInsertAll forInsertAll(MetadataRow row) {
        byte[] json = RowJson.encode(row.values());
        if (json != null) {
            return new ForInsertAll(row.values(), json);
        }
        Map<String, Object> content = content(row);
        return new ForInsertAll(content, RowJson.encode(content));
    }

    /** True when the value, at every depth, is a JSON primitive, list or map with no null in it. */
    private static boolean ready(Object v) {
        if (isPrimitive(v)) {
            return true;
        }
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!ready(o)) {
                    return false;
                }
            }
            return true;
        }
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String) || !ready(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return false; // null, or a value to convert (Instant, LocalDate, BigDecimal, ...) or refuse
    }

    /** A value the client writes as a JSON string, number or boolean as it is. */
    private static boolean isPrimitive(Object v) {
        return v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
                || v instanceof Integer || v instanceof Short || v instanceof Float;
    }

    /** Size of the row as insertAll sends it, for batching by bytes. */
    public static int encodedSize(Map<String, Object> content) {
        // counted as it is written, not collected: every row of every batch is sized once
        ByteCount count = new ByteCount();
        try (JsonGenerator gen = JSON.createGenerator(count)) {
            JsonWalk.write(gen, content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // ByteCount does not throw
        }
        return (int) Math.min(Integer.MAX_VALUE, count.bytes);
    }

    /** An output stream that only counts what is written to it. */
    private static final class ByteCount extends java.io.OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private static Object jsonReady(String column, Object v) {
        try {
            return jsonReady(v);
        } catch (NoJsonForm e) {
            throw new IllegalArgumentException("column " + column + e.path + " holds a " + e.type
                    + ", which has no JSON form BigQuery accepts");
        }
    }

    // every value of every row passes here: the path for the error message is built only on failure
    @SuppressWarnings("unchecked")
    private static Object jsonReady(Object v) {
        if (isPrimitive(v)) {
            return v;
        }
        if (v instanceof Number n) {
            return n.toString(); // BigInteger/BigDecimal: BigQuery parses numeric strings exactly
        }
        if (v instanceof Instant i) {
            return ServiceColumns.timestamp(i);
        }
        if (v instanceof LocalDate || v instanceof LocalTime) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                if (o != null) { // BigQuery rejects NULL elements in a REPEATED field
                    out.add(jsonReady(o));
                }
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                if (e.getValue() != null) {
                    try {
                        out.put(e.getKey(), jsonReady(e.getValue()));
                    } catch (NoJsonForm inner) {
                        throw new NoJsonForm("." + e.getKey() + inner.path, inner.type);
                    }
                }
            }
            return out;
        }
        throw new NoJsonForm("", v.getClass().getName());
    }

    /** A value with no JSON form, and where it sits below its column. */
    private static final class NoJsonForm extends RuntimeException {
        final String path;
        final String type;

        NoJsonForm(String path, String type) {
            super(null, null, false, false);
            this.path = path;
            this.type = type;
        }
    }
}
