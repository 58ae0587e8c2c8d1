package io.dicombq.bigquery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.google.api.client.util.Data;
import com.google.api.client.util.GenericData;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A row's JSON as an insertAll body holds it, written by Jackson straight into UTF-8 bytes.
 *
 * <p>It is the same JSON value the BigQuery client's own writer (Google's object walk over
 * Gson) makes of the row map: nulls left out of objects and arrays as the client leaves them
 * out, numbers in the same form, columns in the map's own order. Strings may be escaped
 * differently (Gson escapes U+2028 and U+2029, Jackson writes them as they are), which JSON
 * reads the same. It takes the values {@link JsonRows#content} passes on as they are: strings,
 * {@code Long}, {@code Integer}, {@code Short}, {@code Double}, {@code Float}, {@code Boolean},
 * lists and maps of them. A row holding anything else (a value to convert first, a
 * non-finite number, one of the client's "explicit null" placeholders) has no encoding here:
 * the client writes it, so it behaves exactly as before, errors included.
 */
final class RowJson {

    private static final JsonFactory JSON = new JsonFactory();

    private RowJson() {
    }

    /** The row's JSON, or null when the client's writer must write it (see the class comment). */
    static byte[] encode(Map<String, ?> row) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(8192);
        try (JsonGenerator gen = JSON.createGenerator(bytes)) {
            write(gen, row);
        } catch (NotPlain | IOException e) {
            return null; // IOException: not from the bytes, so a limit of Jackson's (nesting depth)
        }
        return bytes.toByteArray();
    }

    // every value of every row passes here: checked while written, in one walk
    private static void write(JsonGenerator gen, Object v) throws IOException {
        // the client's "explicit null" of each scalar type is one instance, compared by identity
        // (Data.isNull's map lookup for every value was a sixth of this walk)
        if (v instanceof String s && v != Data.NULL_STRING) {
            gen.writeString(s);
        } else if (v instanceof Map<?, ?> map && !(v instanceof GenericData) && !Data.isNull(v)) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw NotPlain.INSTANCE;
                }
                if (e.getValue() != null) {
                    gen.writeFieldName(name);
                    write(gen, e.getValue());
                }
            }
            gen.writeEndObject();
        } else if (v instanceof List<?> list && !Data.isNull(v)) {
            gen.writeStartArray();
            for (Object o : list) {
                if (o != null) {
                    write(gen, o);
                }
            }
            gen.writeEndArray();
        } else if (v instanceof Long l && v != Data.NULL_LONG) {
            gen.writeNumber(l);
        } else if (v instanceof Double d && v != Data.NULL_DOUBLE && Double.isFinite(d)) {
            gen.writeNumber(d);
        } else if (v instanceof Boolean b && v != Data.NULL_BOOLEAN) {
            gen.writeBoolean(b);
        } else if (v instanceof Integer i && v != Data.NULL_INTEGER) {
            gen.writeNumber(i);
        } else if (v instanceof Short s && v != Data.NULL_SHORT) {
            gen.writeNumber(s);
        } else if (v instanceof Float f && v != Data.NULL_FLOAT && Float.isFinite(f)) {
            gen.writeNumber(f); // its shortest form, as the client's Gson writes it
        } else {
            // a value JsonRows.content converts first (BigDecimal, Instant, ...), or a non-finite
            // number, which the client refuses with its own error
            throw NotPlain.INSTANCE;
        }
    }

    /** A value the client writes its own way. */
    private static final class NotPlain extends RuntimeException {
        static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super(null, null, false, false);
        }
    }
}
