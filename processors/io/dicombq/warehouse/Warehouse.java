package io.dicombq.warehouse;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;

import java.util.List;
import java.util.Map;

/**
 * Where rows land: the embedded DuckDB warehouse or BigQuery. Implementations create the
 * table when missing, add the columns a batch needs before inserting it, and keep the
 * {@code TABLE_view} view current.
 */
public interface Warehouse extends AutoCloseable {

    /** Creates the table (service columns only) and its view when missing. Idempotent. */
    void prepare(TableRef table) throws Exception;

    /** Adds missing columns for {@code schema}, then inserts the rows; all or nothing. */
    void insert(TableRef table, List<MetadataRow> rows) throws Exception;

    /**
     * Like {@link #insert(TableRef, List)}, for a one-off load such as the manual export:
     * {@code loadId} names the load, so that a warehouse which drops re-sent rows (BigQuery's
     * insertIds) drops copies within this load only, not rows that match earlier events.
     */
    default void insert(TableRef table, List<MetadataRow> rows, String loadId) throws Exception {
        insert(table, rows);
    }

    /**
     * How many inserts into one table may run at once; each destination's batch writer keeps
     * this many requests in flight. 1 (the default) for a warehouse that commits one at a time.
     */
    default int concurrentInserts() {
        return 1;
    }

    /** The table's current schema; empty when the table does not exist. */
    Schema schema(TableRef table) throws Exception;

    /** Number of rows in the table; -1 when it does not exist. */
    long rowCount(TableRef table) throws Exception;

    /** Removes every row (used by export with WRITE_TRUNCATE). */
    void truncate(TableRef table) throws Exception;

    /** Runs read-only SQL; each row as an ordered map of JSON-ready values. */
    List<Map<String, Object>> query(String sql) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
