package io.dicombq.bigquery;

/** Exchange headers and properties the BigQuery delivery beans read and write. */
public final class BigQueryHeaders {

    /** Header: the destination, {@code bq://PROJECT.DATASET.TABLE} (String) or a {@code TableRef}. */
    public static final String TABLE = "DicomBigQueryTable";

    /** Property: the batch's rows (List of MetadataRow) in the order they were sent to insertAll. */
    public static final String ROWS = "DicomBigQueryRows";

    /** Property: rows BigQuery rejected (List of RejectedRow), for the dead letter. */
    public static final String REJECTED = "DicomBigQueryRejected";

    /** Property set by the batch strategy when a batch is full (Boolean). */
    public static final String BATCH_FULL = "DicomBigQueryBatchFull";

    /** Property: the batch's encoded size in bytes (Integer). */
    public static final String BATCH_BYTES = "DicomBigQueryBatchBytes";

    private BigQueryHeaders() {
    }
}
