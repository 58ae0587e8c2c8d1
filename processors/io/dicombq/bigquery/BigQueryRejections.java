package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import io.dicombq.warehouse.PartialInsertException;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sorts out a failed insertAll for the {@code bigquery-insert} route. Without
 * {@code skipInvalidRows} (the google-bigquery producer has no such option) BigQuery stores
 * none of the request's rows when one is invalid: the invalid rows carry their reason (e.g.
 * {@code invalid}), the others only {@code stopped}. So the stopped rows are sent again (same
 * insertIds, so a row that did land is not doubled), and the rejected ones are reported to
 * the caller by their index in the batch, as a {@link PartialInsertException}.
 */
public class BigQueryRejections {

    /**
     * Call in a doCatch after the google-bigquery endpoint. Out: body = the rows to send
     * again (List of MetadataRow, possibly empty), property {@link BigQueryHeaders#REJECTED}. Any failure
     * other than per-row errors (HTTP 5xx, auth, a missing table) is thrown again unchanged,
     * for the caller's retries.
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
        if (sorted.rejected().isEmpty()) {
            throw caught; // every row only "stopped": nothing to blame a row for, retry the whole batch
        }
        exchange.setProperty(BigQueryHeaders.REJECTED, sorted.rejected());
        exchange.getMessage().setBody(sorted.retry());
    }

    /** Last step of the doCatch: the stopped rows have landed, so only the rejected ones fail. */
    public void failRejected(Exchange exchange) throws PartialInsertException {
        @SuppressWarnings("unchecked")
        Map<Integer, String> rejected = exchange.getProperty(BigQueryHeaders.REJECTED, Map.class);
        String table = exchange.getMessage().getHeader(BigQueryHeaders.TABLE, String.class);
        throw new PartialInsertException("BigQuery rejected " + rejected.size() + " row(s) of the insert into "
                + table + ": " + rejected.values(), rejected);
    }

    /** The pure part: which rows BigQuery rejected (index → reason) and which it only stopped. */
    public static Sorted sort(InsertAllFailure failure, List<MetadataRow> rows) {
        Map<Integer, String> rejected = new LinkedHashMap<>();
        List<MetadataRow> retry = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (failure.rejected(i)) {
                rejected.put(i, failure.reasonFor(i));
            } else if (failure.errors().containsKey(i)) {
                retry.add(rows.get(i));
            }
            // no error for this row: BigQuery stored it
        }
        return new Sorted(rejected, retry);
    }

    public record Sorted(Map<Integer, String> rejected, List<MetadataRow> retry) {
    }
}
