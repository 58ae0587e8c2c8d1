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
        if (size(row.values()) <= maxEncodedBytes) {
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

    /** Bytes of the compact JSON encoding, the way insertAll sends a row. */
    static long size(Object value) {
        try {
            return JSON.writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row value is not JSON-ready: " + e.getMessage(), e);
        }
    }
}
