package io.dicombq.warehouse;

import io.dicombq.bigquery.CamelBigQueryDelivery;

import java.nio.file.Path;

/** Picks the warehouse named by {@code dicom.warehouse}: the embedded DuckDB one, or BigQuery. */
public final class Warehouses {
    private Warehouses() {
    }

    /**
     * @param bigQuery BigQuery's tables, columns and views (the {@code bigQueryTables} bean);
     *                 used only for {@code bigquery}, and it connects to nothing until then
     * @param duckDbThreads DuckDB's worker threads ({@code dicom.duckdb.threads}, 0 = one per core)
     * @param bufferBelowRows batches smaller than this go through DuckDB's streaming buffer
     *                        ({@code dicom.duckdb.buffer-below-rows}, 0 = none)
     * @param bufferMergeMillis longest wait of a buffered row for its merge ({@code dicom.duckdb.buffer-merge-ms})
     * @param bufferMergeMegabytes a journal this large is merged at once ({@code dicom.duckdb.buffer-merge-mb})
     * @param bufferReadWaitMillis how soon after a merge a read may merge again ({@code dicom.duckdb.buffer-read-wait-ms})
     * @param checkpointThreshold write-ahead log gathered before a checkpoint ({@code dicom.duckdb.checkpoint-threshold})
     * @param rejectedRows where a buffered row goes when its table refuses it at merge time
     */
    public static Warehouse create(String kind, String dataDir, BigQueryWarehouse bigQuery, int duckDbThreads,
                                   int bufferBelowRows, long bufferMergeMillis, int bufferMergeMegabytes,
                                   long bufferReadWaitMillis,
                                   String checkpointThreshold, RejectedRows rejectedRows)
            throws Exception {
        return switch (kind == null ? "" : kind.trim().toLowerCase()) {
            case "duckdb" -> new DuckDbWarehouse(Path.of(dataDir), duckDbThreads, bufferBelowRows, bufferMergeMillis,
                    bufferMergeMegabytes, bufferReadWaitMillis, checkpointThreshold, rejectedRows);
            // rows go through the google-bigquery endpoint of routes/bigquery.camel.yaml
            case "bigquery" -> new CamelBigQueryDelivery(bigQuery);
            default -> throw new IllegalArgumentException("dicom.warehouse must be duckdb or bigquery, got '" + kind + "'");
        };
    }
}
