package io.dicombq.row;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * Writes a row-shaped value (maps, lists, strings, numbers, booleans) exactly as Jackson's
 * {@code ObjectMapper} would, walking it with the generator itself: the mapper's per-entry
 * serializer lookups were most of the cost of writing a row (the store's index record in the
 * drop folder's profile, the size of each BigQuery row). Anything else goes to the generator's
 * codec, so the generator must come from an {@code ObjectMapper} when such values can occur.
 */
public final class JsonWalk {
    private JsonWalk() {
    }

    public static void write(JsonGenerator gen, Object v) throws IOException {
        if (v == null) {
            gen.writeNull();
        } else if (v instanceof String s) {
            gen.writeString(s);
        } else if (v instanceof Map<?, ?> map) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                write(gen, e.getValue());
            }
            gen.writeEndObject();
        } else if (v instanceof Collection<?> items) {
            gen.writeStartArray();
            for (Object item : items) {
                write(gen, item);
            }
            gen.writeEndArray();
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            gen.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            gen.writeNumber(d);
        } else if (v instanceof Float f) {
            gen.writeNumber(f);
        } else if (v instanceof Boolean b) {
            gen.writeBoolean(b);
        } else {
            gen.writeObject(v);
        }
    }
}
