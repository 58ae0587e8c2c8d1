package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.component.google.bigquery.GoogleBigQueryConstants;
import org.apache.camel.support.DefaultExchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Readies a batch of rows for a {@code google-bigquery:PROJECT:DATASET} endpoint: adds the
 * columns the batch needs to the table first (insertAll rejects unknown fields), then hands
 * the producer one grouped exchange per row, each with its JSON-ready map as body, its
 * deterministic insertId in {@code CamelGoogleBigQueryInsertId} and its table in
 * {@code CamelGoogleBigQueryTableId}. It also sets the headers the route's {@code toD} builds
 * the endpoint URI from, and binds the project's connection factory.
 *
 * <p>Why grouped exchanges and not a List body: for a List body the producer can only take
 * the insertId from a field of the row map ({@code useAsInsertId}), and that field would be
 * sent as a column. The header is read per exchange, so the rows stay exactly the table's
 * columns. All rows still go out in one insertAll call.
 *
 * <p>Why the table goes in a header and not in the URI: BigQuery table names may hold spaces
 * and other characters an endpoint URI would mangle; project and dataset IDs cannot.
 */
public class BigQueryInsertBatch {

    private final BigQueryWarehouse warehouse;

    public BigQueryInsertBatch(BigQueryWarehouse warehouse) {
        this.warehouse = warehouse;
    }

    /**
     * In: body a List of MetadataRow (or one row), header {@link BigQueryHeaders#TABLE}.
     * Out: the grouped exchange property the producer reads, {@link BigQueryHeaders#ROWS}
     * (the rows in request order, so a failure can be mapped back to them) and the endpoint
     * headers. The body is kept. When the sender made the rows' JSON already
     * ({@link BigQueryHeaders#JSONS}), each row's is remembered on this thread under its insertId,
     * for the insertAll body to send as it is ({@link InsertAllBody}).
     */
    @SuppressWarnings("unchecked")
    public void prepare(Exchange exchange) {
        Message in = exchange.getMessage();
        List<MetadataRow> rows = rows(in.getBody());
        TableRef table = table(exchange);
        Schema needed = new Schema();
        rows.forEach(r -> needed.addAll(r.schema().fields()));
        warehouse.ensureColumns(table, needed);

        String scope = in.getHeader(BigQueryHeaders.INSERT_ID_SCOPE, String.class);
        // the sender's contents serve this body only: a retry of the accepted rows makes its own
        List<?> made = exchange.getProperty(BigQueryHeaders.CONTENTS, List.class);
        List<?> jsons = exchange.getProperty(BigQueryHeaders.JSONS, List.class);
        exchange.removeProperty(BigQueryHeaders.CONTENTS);
        exchange.removeProperty(BigQueryHeaders.JSONS);
        boolean reuse = made != null && made.size() == rows.size();
        boolean reuseJson = reuse && jsons != null && jsons.size() == rows.size();
        List<Exchange> perRow = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            MetadataRow row = rows.get(i);
            Exchange one = new DefaultExchange(exchange.getContext());
            Object content = reuse ? made.get(i) : JsonRows.content(row);
            one.getMessage().setBody(content);
            String insertId = RowInsertIds.of(row, scope);
            if (reuseJson) {
                // the body sends these bytes for this row, if it still holds these values when sent
                InsertAllBody.remember(insertId, (Map<String, ?>) content, (byte[]) jsons.get(i));
            }
            one.getMessage().setHeader(GoogleBigQueryConstants.INSERT_ID, insertId);
            one.getMessage().setHeader(GoogleBigQueryConstants.TABLE_ID, table.table());
            perRow.add(one);
        }
        exchange.setProperty(ExchangePropertyKey.GROUPED_EXCHANGE, perRow);
        exchange.setProperty(BigQueryHeaders.ROWS, rows);
        in.setHeader(BigQueryHeaders.PROJECT, uriProject(table.project()));
        in.setHeader(BigQueryHeaders.DATASET, table.dataset());
        in.setHeader(BigQueryHeaders.FACTORY, warehouse.clients().bindConnectionFactory(exchange.getContext(), table.project()));
    }

    /**
     * The endpoint URI splits its path on {@code :}, so a domain-scoped project
     * ({@code example.com:my-proj}) cannot appear as it is. The component ignores the URI's
     * project for inserts anyway (the connection factory's client decides), so the URI gets
     * a readable stand-in with {@code _} for {@code :}, a character project IDs never hold.
     */
    static String uriProject(String project) {
        return project.replace(':', '_');
    }

    static TableRef table(Exchange exchange) {
        Object t = exchange.getMessage().getHeader(BigQueryHeaders.TABLE);
        if (t instanceof TableRef ref) {
            return ref;
        }
        if (t instanceof String uri) {
            return TableRef.parse(uri);
        }
        throw new IllegalArgumentException("header " + BigQueryHeaders.TABLE + " must name the destination "
                + "(bq://PROJECT.DATASET.TABLE), got: " + t);
    }

    @SuppressWarnings("unchecked")
    static List<MetadataRow> rows(Object body) {
        if (body instanceof MetadataRow row) {
            return List.of(row);
        }
        if (body instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof MetadataRow)) {
                    throw new IllegalArgumentException("batch holds a " + (o == null ? "null" : o.getClass().getName())
                            + ", expected MetadataRow");
                }
            }
            return (List<MetadataRow>) list;
        }
        throw new IllegalArgumentException("expected a MetadataRow or a List of them, got: "
                + (body == null ? "null" : body.getClass().getName()));
    }
}
