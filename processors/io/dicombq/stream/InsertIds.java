package io.dicombq.stream;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The insertId a row is streamed with: the same event always gets the same id, so BigQuery's
 * best-effort de-duplication drops a row sent twice (a retry, a replay, a re-ingest after a crash).
 * An event is one instance's INSERT or DELETE at one LastUpdated, in one destination table.
 */
public final class InsertIds {
    private InsertIds() {
    }

    public static String of(String tableUri, MetadataRow row) {
        String key = String.join("\u0000", String.valueOf(tableUri),
                String.valueOf(row.getString("StudyInstanceUID")),
                String.valueOf(row.getString("SeriesInstanceUID")),
                String.valueOf(row.getString("SOPInstanceUID")),
                String.valueOf(row.getString(ServiceColumns.TYPE)),
                String.valueOf(row.getString(ServiceColumns.LAST_UPDATED)));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            // BigQuery allows up to 128 characters; 32 hex digits (128 bits) never collide in practice
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
