package io.dicombq.row;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a row under a destination's per-row limit (Google's streaming limit is 1 MB) without
 * dropping the instance: the largest elements (top-level columns, or single OtherElements
 * entries) move to DroppedTags until the JSON-encoded row fits. The identifying UIDs never move.
 */
public final class RowSizePolicy {

    public static final long DEFAULT_MAX_ENCODED_BYTES = 1_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEEP = Set.of("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID",
            RowMapper.DROPPED_TAGS, ServiceColumns.TYPE, ServiceColumns.LAST_UPDATED);

    private RowSizePolicy() {
    }

    /** The row itself when it fits, else a copy with its largest elements moved to DroppedTags. */
    @SuppressWarnings("unchecked")
    public static MetadataRow fit(MetadataRow row, long maxEncodedBytes) {
        if (bound(row.values()) <= maxEncodedBytes || size(row.values()) <= maxEncodedBytes) {
            return row;
        }
        MetadataRow out = row.copy();
        Map<String, Object> values = out.values();
        List<Object> dropped = new ArrayList<>();
        if (values.get(RowMapper.DROPPED_TAGS) instanceof List<?> l) {
            dropped.addAll(l);
        }
        if (values.get(RowMapper.OTHER_ELEMENTS) instanceof List<?> l) {
            values.put(RowMapper.OTHER_ELEMENTS, new ArrayList<>(l));
        }
        values.put(RowMapper.DROPPED_TAGS, dropped);
        out.schema().add(RowMapper.DROPPED_TAGS_FIELD);
        long total = size(values);
        while (total > maxEncodedBytes) {
            String bestColumn = null;
            int bestOther = -1;
            long bestSize = -1;
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (KEEP.contains(e.getKey())) {
                    continue;
                }
                if (RowMapper.OTHER_ELEMENTS.equals(e.getKey())) {
                    List<Object> others = (List<Object>) e.getValue();
                    for (int i = 0; i < others.size(); i++) {
                        long s = size(others.get(i));
                        if (s > bestSize) {
                            bestSize = s;
                            bestColumn = null;
                            bestOther = i;
                        }
                    }
                    continue;
                }
                long s = size(e.getValue()) + e.getKey().length();
                if (s > bestSize) {
                    bestSize = s;
                    bestColumn = e.getKey();
                    bestOther = -1;
                }
            }
            if (bestSize < 0) {
                break; // only UIDs left: nothing more can move
            }
            String name;
            if (bestOther >= 0) {
                List<Object> others = (List<Object>) values.get(RowMapper.OTHER_ELEMENTS);
                name = String.valueOf(((Map<String, Object>) others.remove(bestOther)).get("Tag"));
                if (others.isEmpty()) {
                    values.remove(RowMapper.OTHER_ELEMENTS);
                }
            } else {
                values.remove(bestColumn);
                name = bestColumn;
            }
            Map<String, Object> tagName = new LinkedHashMap<>();
            tagName.put("TagName", name);
            dropped.add(tagName);
            total = size(values);
        }
        return out;
    }

    /**
     * At least {@link #size}, found by a walk over the values without encoding them: a character
     * takes at most 6 bytes in JSON (the escape of a control character; UTF-8 takes at most 3 per
     * UTF-16 character), a number or boolean at most 32. A value of another type gives
     * {@link Long#MAX_VALUE}, so the exact size decides. A typical row's bound is tens of KB, far
     * under Google's 1 MB, so the exact encoding (2 % of a drop-folder instance's CPU in the bench's
     * profile) is left to the rare row near the limit.
     */
    static long bound(Object value) {
        if (value instanceof String s) {
            return 2 + 6L * s.length();
        }
        if (value instanceof Map<?, ?> m) {
            long n = 2;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return Long.MAX_VALUE;
                }
                n = add(n, add(add(bound(key), bound(e.getValue())), 2)); // ':' and ','
            }
            return n;
        }
        if (value instanceof List<?> l) {
            long n = 2;
            for (Object o : l) {
                n = add(n, add(bound(o), 1)); // ','
            }
            return n;
        }
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte || value instanceof Double || value instanceof Float) {
            return 32;
        }
        return Long.MAX_VALUE;
    }

    private static long add(long a, long b) {
        long sum = a + b; // both are sizes, never negative
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** Bytes of the compact JSON encoding, the way insertAll sends a row. */
    static long size(Object value) {
        try {
            return JSON.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row value is not JSON-ready: " + e.getMessage(), e);
        }
    }
}
