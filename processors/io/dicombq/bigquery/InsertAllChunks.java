package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a batch into insertAll requests BigQuery takes: at most {@code maxRows} rows (Google
 * recommends 500) and at most {@code maxBytes} of encoded rows (5 MB here, well under the
 * 10 MB request limit). A row larger than {@code maxBytes} on its own still gets a request of
 * its own (rows are trimmed to the 1 MB per-row limit before they get here).
 */
public final class InsertAllChunks {

    public static final int MAX_ROWS = 500;
    public static final int MAX_BYTES = 5 * 1024 * 1024;

    /** One request's rows and where they start in the batch. */
    public record Chunk(int offset, List<MetadataRow> rows) {
    }

    private InsertAllChunks() {
    }

    public static List<Chunk> split(List<MetadataRow> rows, int maxRows, int maxBytes) {
        return split(rows, rows.stream().mapToInt(r -> JsonRows.encodedSize(JsonRows.content(r))).toArray(), maxRows, maxBytes);
    }

    /** The same, for a caller that has each row's encoded size already ({@code sizes}, in row order). */
    public static List<Chunk> split(List<MetadataRow> rows, int[] sizes, int maxRows, int maxBytes) {
        if (sizes.length != rows.size()) {
            throw new IllegalArgumentException(sizes.length + " sizes for " + rows.size() + " rows");
        }
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < rows.size(); i++) {
            boolean full = i - start >= maxRows || (i > start && bytes + sizes[i] > maxBytes);
            if (full) {
                chunks.add(new Chunk(start, rows.subList(start, i)));
                start = i;
                bytes = 0;
            }
            bytes += sizes[i];
        }
        if (start < rows.size()) {
            chunks.add(new Chunk(start, rows.subList(start, rows.size())));
        }
        return chunks;
    }
}
