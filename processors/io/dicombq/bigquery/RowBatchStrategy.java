package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects rows for one destination into a batch for one insertAll call. A batch is full at
 * {@code maxRows} rows (BigQuery recommends at most 500) or when one more row of the largest
 * allowed size ({@code maxRowBytes}, 1 MB by default, as rows are trimmed to that) could take
 * it past {@code maxBytes} (5 MB by default). Fullness is published as the exchange property
 * {@link BigQueryHeaders#BATCH_FULL}, for the aggregator's completionPredicate; the linger
 * is the aggregator's completionTimeout.
 */
public class RowBatchStrategy implements AggregationStrategy {

    private int maxRows = 500;
    private int maxBytes = 5 * 1024 * 1024;
    private int maxRowBytes = 1024 * 1024;

    @Override
    public Exchange aggregate(Exchange batch, Exchange next) {
        List<MetadataRow> incoming = BigQueryInsertBatch.rows(next.getMessage().getBody());
        if (batch == null) {
            batch = next;
            batch.getMessage().setBody(new ArrayList<MetadataRow>());
            batch.setProperty(BigQueryHeaders.BATCH_BYTES, 0);
        }
        @SuppressWarnings("unchecked")
        List<MetadataRow> rows = batch.getMessage().getBody(List.class);
        int bytes = batch.getProperty(BigQueryHeaders.BATCH_BYTES, 0, Integer.class);
        for (MetadataRow row : incoming) {
            rows.add(row);
            bytes += JsonRows.encodedSize(JsonRows.content(row));
        }
        batch.setProperty(BigQueryHeaders.BATCH_BYTES, bytes);
        batch.setProperty(BigQueryHeaders.BATCH_FULL, rows.size() >= maxRows || bytes + maxRowBytes > maxBytes);
        return batch;
    }

    public int getMaxRows() {
        return maxRows;
    }

    public void setMaxRows(int maxRows) {
        this.maxRows = maxRows;
    }

    public int getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public int getMaxRowBytes() {
        return maxRowBytes;
    }

    public void setMaxRowBytes(int maxRowBytes) {
        this.maxRowBytes = maxRowBytes;
    }
}
