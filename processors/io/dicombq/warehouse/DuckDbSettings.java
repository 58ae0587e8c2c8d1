package io.dicombq.warehouse;

/**
 * The embedded warehouse's settings, the {@code dicom.duckdb.*} properties (application.properties
 * says what each does), as one bean of routes/beans.camel.yaml.
 *
 * @param threads DuckDB's worker threads ({@code dicom.duckdb.threads}, 0 = one per core)
 * @param bufferBelowRows batches smaller than this go through the streaming buffer
 *                        ({@code dicom.duckdb.buffer-below-rows}, 0 = none)
 * @param bufferMergeMillis longest wait of a buffered row for its merge ({@code dicom.duckdb.buffer-merge-ms})
 * @param bufferMergeMegabytes a journal this large is merged at once ({@code dicom.duckdb.buffer-merge-mb})
 * @param bufferReadWaitMillis how soon after a merge a read may merge again ({@code dicom.duckdb.buffer-read-wait-ms})
 * @param checkpointThreshold write-ahead log gathered before DuckDB checkpoints in a commit
 *                            ({@code dicom.duckdb.checkpoint-threshold})
 * @param idleCheckpointMegabytes a log this large is checkpointed after a second without commits
 *                                ({@code dicom.duckdb.idle-checkpoint-mb}, 0 = never)
 * @param maxVacuumTasks row-group merges a checkpoint may do ({@code dicom.duckdb.max-vacuum-tasks})
 */
public record DuckDbSettings(int threads, int bufferBelowRows, long bufferMergeMillis, int bufferMergeMegabytes,
                             long bufferReadWaitMillis, String checkpointThreshold, int idleCheckpointMegabytes,
                             int maxVacuumTasks) {
}
