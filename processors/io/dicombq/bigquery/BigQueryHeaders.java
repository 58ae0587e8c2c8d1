package io.dicombq.bigquery;

/** Exchange headers and properties of the {@code bigquery-insert} route (routes/bigquery.camel.yaml). */
public final class BigQueryHeaders {

    /** Header: the destination, {@code bq://PROJECT.DATASET.TABLE} (String) or a {@code TableRef}. */
    public static final String TABLE = "DicomBigQueryTable";

    /** Header (optional): scope of the insertIds, see {@link RowInsertIds#of(io.dicombq.row.MetadataRow, String)}. */
    public static final String INSERT_ID_SCOPE = "DicomBigQueryInsertIdScope";

    /** Header set by {@link BigQueryInsertBatch#prepare}: the project as the endpoint URI holds it. */
    public static final String PROJECT = "DicomBigQueryProject";

    /** Header set by {@link BigQueryInsertBatch#prepare}: the dataset ID. */
    public static final String DATASET = "DicomBigQueryDataset";

    /** Header set by {@link BigQueryInsertBatch#prepare}: registry name of the project's connection factory. */
    public static final String FACTORY = "DicomBigQueryFactory";

    /** Property: the batch's rows (List of MetadataRow) in the order they were sent to insertAll. */
    public static final String ROWS = "DicomBigQueryRows";

    /**
     * Property (optional, used once): the body rows' {@link JsonRows#content}, in the same order,
     * when the sender has made them already (to size the insertAll); saves making them twice.
     */
    public static final String CONTENTS = "DicomBigQueryContents";

    /**
     * Property (optional, used once, with {@link #CONTENTS}): the rows' JSON as the insertAll body
     * holds it ({@link RowJson}, a byte[] or null per row), made by the sender to size the request.
     */
    public static final String JSONS = "DicomBigQueryJsons";

    /** Property: index in the batch → BigQuery's reason, for the rows it rejected (Map). */
    public static final String REJECTED = "DicomBigQueryRejected";

    private BigQueryHeaders() {
    }
}
