package io.dicombq.row;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A row's values as JSON ({@link JsonWalk}'s form: nulls kept, keys in the map's order), made
 * once, when the store writes the instance's index record, and kept with the row so the embedded
 * warehouse can load the same bytes instead of writing the row again.
 *
 * <p>It remembers what it was made of, at every depth: each map and list of the row with its
 * size, each key, and each value (strings, numbers, booleans: objects that cannot change). The
 * bytes are handed out only while the row still holds exactly those objects, in the same order:
 * a column put, replaced or removed, or a value changed inside a sequence item or a person name
 * (an anonymizing step, say), gets the row written anew from its values.
 */
public final class RowBytes {
    private final byte[] json;
    private final Object[] madeOf;

    private RowBytes(byte[] json, Object[] madeOf) {
        this.json = json;
        this.madeOf = madeOf;
    }

    /** {@code json} as written from {@code values} just now. */
    public static RowBytes of(Map<String, Object> values, byte[] json) {
        List<Object> trace = new ArrayList<>(256);
        record(values, trace);
        return new RowBytes(json, trace.toArray());
    }

    /** The JSON, when {@code now} still holds exactly what it was made of (see the class comment); else null. */
    public byte[] jsonOf(Map<String, Object> now) {
        return same(now, 0) == madeOf.length ? json : null;
    }

    // the trace, in the order of a walk over the row: a container, then its size, then its
    // entries (key, value) or items; a value that is neither map nor list stands for itself
    private static void record(Object v, List<Object> trace) {
        trace.add(v);
        if (v instanceof Map<?, ?> map) {
            trace.add(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                trace.add(e.getKey());
                record(e.getValue(), trace);
            }
        } else if (v instanceof Collection<?> items) {
            trace.add(items.size());
            for (Object item : items) {
                record(item, trace);
            }
        }
    }

    /** Walks {@code v} as {@link #record} did from {@code at}: where the walk ends, or -1 at the first difference. */
    private int same(Object v, int at) {
        if (at >= madeOf.length || madeOf[at] != v) {
            return -1;
        }
        int i = at + 1;
        if (v instanceof Map<?, ?> map) {
            if ((Integer) madeOf[i++] != map.size()) {
                return -1;
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (i >= madeOf.length || madeOf[i++] != e.getKey()) {
                    return -1;
                }
                i = same(e.getValue(), i);
                if (i < 0) {
                    return -1;
                }
            }
        } else if (v instanceof Collection<?> items) {
            if ((Integer) madeOf[i++] != items.size()) {
                return -1;
            }
            for (Object item : items) {
                i = same(item, i);
                if (i < 0) {
                    return -1;
                }
            }
        }
        return i;
    }

    @Override
    public String toString() {
        return "RowBytes[" + json.length + " bytes]";
    }
}
