package io.dicombq.warehouse;

import io.dicombq.row.MetadataRow;

/**
 * Where a row goes that a warehouse accepted into its streaming buffer but whose table then
 * refused it at merge time: the bundle hands it to its dead letters, so it is logged and can be
 * replayed like any row a destination would not take.
 */
@FunctionalInterface
public interface RejectedRows {
    /** No place for such rows: the merge fails and the journal stays on disk, to be merged again. */
    RejectedRows NONE = (table, row, reason) -> {
        throw new IllegalStateException("a buffered row for " + table + " was refused (" + reason
                + ") and there are no dead letters to keep it");
    };

    void rejected(TableRef table, MetadataRow row, String reason) throws Exception;
}
