package io.dicombq.row;

import java.util.Iterator;
import java.util.Map;

/**
 * A row's values as JSON ({@link JsonWalk}'s form: nulls kept, keys in the map's order), made
 * once, when the store writes the instance's index record, and kept with the row so the embedded
 * warehouse can load the same bytes instead of writing the row again.
 *
 * <p>It remembers the top-level keys and values it was made of: the bytes are handed out only
 * while the row holds those very values (the same keys, the same value objects, in the same
 * order). A step that puts, replaces or removes a column gets its row written anew. A value
 * changed inside a list or a map it holds is not seen: such changes belong in a copy
 * ({@link MetadataRow#copy()}), which has no bytes.
 */
public final class RowBytes {
    private final byte[] json;
    private final Object[] keys;
    private final Object[] values;

    private RowBytes(byte[] json, Object[] keys, Object[] values) {
        this.json = json;
        this.keys = keys;
        this.values = values;
    }

    /** {@code json} as written from {@code values} just now. */
    public static RowBytes of(Map<String, Object> values, byte[] json) {
        Object[] k = new Object[values.size()];
        Object[] v = new Object[values.size()];
        int i = 0;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            k[i] = e.getKey();
            v[i++] = e.getValue();
        }
        return new RowBytes(json, k, v);
    }

    /** The JSON, when {@code now} still holds exactly the top-level values it was made of; else null. */
    public byte[] jsonOf(Map<String, Object> now) {
        if (now.size() != keys.length) {
            return null;
        }
        Iterator<Map.Entry<String, Object>> it = now.entrySet().iterator();
        for (int i = 0; i < keys.length; i++) {
            Map.Entry<String, Object> e = it.next();
            if (e.getValue() != values[i] || !keys[i].equals(e.getKey())) {
                return null;
            }
        }
        return json;
    }

    @Override
    public String toString() {
        return "RowBytes[" + json.length + " bytes]";
    }
}
