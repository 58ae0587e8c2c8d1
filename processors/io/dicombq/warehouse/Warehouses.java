package io.dicombq.warehouse;

import io.dicombq.bigquery.CamelBigQueryDelivery;

import java.nio.file.Path;

/** Picks the warehouse named by {@code dicom.warehouse}: the embedded DuckDB one, or BigQuery. */
public final class Warehouses {
    /** How long a catalog goes without a commit before its log is checkpointed ({@code dicom.duckdb.idle-checkpoint-mb}). */
    static final long IDLE_CHECKPOINT_AFTER_MS = 1000;

    private Warehouses() {
    }

    /**
     * @param bigQuery BigQuery's tables, columns and views (the {@code bigQueryTables} bean);
     *                 used only for {@code bigquery}, and it connects to nothing until then
     * @param duckDb the embedded warehouse's settings; used only for {@code duckdb}
     * @param rejectedRows where a buffered row goes when its table refuses it at merge time
     */
    public static Warehouse create(String kind, String dataDir, BigQueryWarehouse bigQuery, DuckDbSettings duckDb,
                                   RejectedRows rejectedRows) throws Exception {
        return switch (kind == null ? "" : kind.trim().toLowerCase()) {
            case "duckdb" -> {
                DuckDbWarehouse warehouse = new DuckDbWarehouse(Path.of(dataDir), duckDb.threads(),
                        duckDb.bufferBelowRows(), duckDb.bufferMergeMillis(), duckDb.bufferMergeMegabytes(),
                        duckDb.bufferReadWaitMillis(), duckDb.checkpointThreshold(), rejectedRows);
                warehouse.maxVacuumTasks(duckDb.maxVacuumTasks());
                warehouse.checkpointWhenIdle(duckDb.idleCheckpointMegabytes(), IDLE_CHECKPOINT_AFTER_MS);
                yield warehouse;
            }
            // rows go through the google-bigquery endpoint of routes/bigquery.camel.yaml
            case "bigquery" -> new CamelBigQueryDelivery(bigQuery);
            default -> throw new IllegalArgumentException("dicom.warehouse must be duckdb or bigquery, got '" + kind + "'");
        };
    }
}
