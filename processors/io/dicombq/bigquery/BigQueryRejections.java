package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sorts out a failed insertAll. Without {@code skipInvalidRows} BigQuery stores none of the
 * request's rows when one is invalid: the invalid rows carry their reason (e.g.
 * {@code invalid}), the others only {@code stopped}. So the rejected rows go to the dead
 * letter with BigQuery's reason, and the stopped ones are sent again (same insertIds, so a
 * row that did land is not doubled).
 */
public class BigQueryRejections {

    /**
     * Call in a doCatch after the google-bigquery endpoint. Out: body = the rows to send
     * again (List of MetadataRow, possibly empty), property {@link BigQueryHeaders#REJECTED} =
     * List of {@link RejectedRow}. Any failure other than per-row errors (HTTP 5xx, auth, a
     * missing table) is thrown again unchanged, for the route's retries and dead letter.
     */
    public void sortOut(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught == null) {
            caught = exchange.getException();
        }
        Optional<InsertAllFailure> failure = caught == null ? Optional.empty()
                : InsertAllFailure.fromCamelMessage(caught.getMessage());
        if (failure.isEmpty()) {
            if (caught != null) {
                throw caught;
            }
            throw new IllegalStateException("sortOut called without a failed insertAll");
        }
        @SuppressWarnings("unchecked")
        List<MetadataRow> rows = exchange.getProperty(BigQueryHeaders.ROWS, List.class);
        if (rows == null) {
            throw new IllegalStateException("property " + BigQueryHeaders.ROWS + " missing: call "
                    + "bigQueryInsertBatch.prepare before the google-bigquery endpoint");
        }
        Sorted sorted = sort(failure.get(), rows);
        exchange.setProperty(BigQueryHeaders.REJECTED, sorted.rejected());
        exchange.getMessage().setBody(sorted.retry());
    }

    /** The pure part: which rows BigQuery rejected and which it only stopped. */
    public static Sorted sort(InsertAllFailure failure, List<MetadataRow> rows) {
        List<RejectedRow> rejected = new ArrayList<>();
        List<MetadataRow> retry = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            List<RowError> errors = failure.errors().get(i);
            if (errors == null) {
                continue; // no error for this row: BigQuery stored it
            }
            if (failure.rejected(i)) {
                rejected.add(new RejectedRow(rows.get(i), failure.table(), errors));
            } else {
                retry.add(rows.get(i));
            }
        }
        return new Sorted(rejected, retry);
    }

    public record Sorted(List<RejectedRow> rejected, List<MetadataRow> retry) {
    }
}
