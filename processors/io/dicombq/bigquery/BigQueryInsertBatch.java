package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.google.bigquery.GoogleBigQueryConstants;
import org.apache.camel.support.DefaultExchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Readies a batch of rows for a {@code google-bigquery:PROJECT:DATASET:TABLE} endpoint: adds
 * the columns the batch needs to the table first (insertAll rejects unknown fields), then
 * hands the producer one grouped exchange per row, each with its JSON-ready map as body and
 * its deterministic insertId in the {@code CamelGoogleBigQueryInsertId} header.
 *
 * <p>Why grouped exchanges and not a List body: for a List body the producer can only take
 * the insertId from a field of the row map ({@code useAsInsertId}), and that field would be
 * sent as a column. The header is read per exchange, so the rows stay exactly the table's
 * columns. All rows still go out in one insertAll call.
 */
public class BigQueryInsertBatch {

    private final BigQueryWarehouse warehouse;

    public BigQueryInsertBatch(BigQueryWarehouse warehouse) {
        this.warehouse = warehouse;
    }

    /**
     * In: body a List of MetadataRow (or one row), header {@link BigQueryHeaders#TABLE}.
     * Out: the grouped exchange property the producer reads, and {@link BigQueryHeaders#ROWS}
     * (the rows in request order, so a failure can be mapped back to them). The body is kept.
     */
    public void prepare(Exchange exchange) {
        List<MetadataRow> rows = rows(exchange.getMessage().getBody());
        TableRef table = table(exchange);
        Schema needed = new Schema();
        rows.forEach(r -> needed.addAll(r.schema().fields()));
        warehouse.ensureColumns(table, needed);

        List<Exchange> perRow = new ArrayList<>(rows.size());
        for (MetadataRow row : rows) {
            Exchange one = new DefaultExchange(exchange.getContext());
            one.getMessage().setBody(JsonRows.content(row));
            one.getMessage().setHeader(GoogleBigQueryConstants.INSERT_ID, RowInsertIds.of(row));
            perRow.add(one);
        }
        exchange.setProperty(ExchangePropertyKey.GROUPED_EXCHANGE, perRow);
        exchange.setProperty(BigQueryHeaders.ROWS, rows);
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
