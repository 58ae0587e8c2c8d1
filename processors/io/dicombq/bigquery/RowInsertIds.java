package io.dicombq.bigquery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The insertId BigQuery uses to drop a re-sent row (best-effort, about a minute). It must be
 * the same every time the same event is sent again (after a retry, a crash, a replayed dead
 * letter) and differ between events: the instance's UIDs plus {@code Type} and
 * {@code LastUpdated} (the event time at the edge) identify an event; a row without UIDs
 * falls back to a hash of all its values.
 */
public final class RowInsertIds {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private RowInsertIds() {
    }

    public static String of(MetadataRow row) {
        return of(row, null);
    }

    /**
     * The insertId within {@code scope}: null for streaming, where a re-sent event must be
     * dropped; a one-off load (an export operation's name) gives its rows ids of their own,
     * because appending the same instances again is what such a load is asked to do, and a
     * table truncated a moment ago must not drop them as copies of what it held.
     */
    public static String of(MetadataRow row, String scope) {
        String sop = row.getString("SOPInstanceUID");
        String key;
        if (sop != null) {
            key = String.join("|", "v1", nz(row.getString("StudyInstanceUID")),
                    nz(row.getString("SeriesInstanceUID")), sop, nz(row.getString(ServiceColumns.TYPE)),
                    nz(row.getString(ServiceColumns.LAST_UPDATED)));
        } else {
            try {
                key = "v1-all|" + CANONICAL.writeValueAsString(row.values());
            } catch (Exception e) {
                throw new IllegalArgumentException("row values are not JSON-ready: " + e.getMessage(), e);
            }
        }
        return sha256(scope == null || scope.isEmpty() ? key : scope + "|" + key);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
