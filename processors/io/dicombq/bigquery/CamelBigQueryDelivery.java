package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.PartialInsertException;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BigQuery as the warehouse, with rows delivered through Camel: {@link #insert} sends each
 * insertAll-sized part of a batch to the {@code direct:bigquery-insert} route (a
 * google-bigquery endpoint, see routes/bigquery.camel.yaml) and waits for it, so the caller
 * (the destination's group commit) is answered only once the rows are in BigQuery. Tables,
 * columns, the view, counts and queries are {@link BigQueryWarehouse}'s job.
 *
 * <p>Failures: rows BigQuery rejects come back as one {@link PartialInsertException} with
 * their indexes in the whole batch (the other rows have landed); anything else (HTTP 5xx,
 * auth, a missing dataset) is thrown as it is, for the caller's retries. A part that landed
 * before a later part failed is sent again on retry; its insertIds make BigQuery drop it.
 */
public class CamelBigQueryDelivery implements Warehouse, CamelContextAware {

    /** The route every batch goes through. */
    public static final String ROUTE = "direct:bigquery-insert";

    private final BigQueryWarehouse tables;
    private CamelContext context;
    private volatile ProducerTemplate producer;

    public CamelBigQueryDelivery(BigQueryWarehouse tables) {
        this.tables = tables;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    public BigQueryWarehouse tables() {
        return tables;
    }

    @Override
    public void insert(TableRef table, List<MetadataRow> rows) throws Exception {
        insert(table, rows, null);
    }

    /** A one-off load (the manual export): its rows get insertIds of their own (see {@link RowInsertIds}). */
    @Override
    public void insert(TableRef table, List<MetadataRow> rows, String loadId) throws Exception {
        Map<Integer, String> rejected = new HashMap<>();
        // each row's JSON is made once: its size cuts the batch into requests, then it is the body's
        List<Map<String, Object>> contents = new ArrayList<>(rows.size());
        List<byte[]> jsons = new ArrayList<>(rows.size());
        int[] sizes = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            JsonRows.ForInsertAll row = JsonRows.forInsertAll(rows.get(i));
            contents.add(row.content());
            jsons.add(row.json());
            sizes[i] = row.size();
        }
        for (InsertAllChunks.Chunk chunk : InsertAllChunks.split(rows, sizes, InsertAllChunks.MAX_ROWS, InsertAllChunks.MAX_BYTES)) {
            int from = chunk.offset();
            int to = from + chunk.rows().size();
            try {
                send(table, chunk.rows(), contents.subList(from, to), jsons.subList(from, to), loadId);
            } catch (PartialInsertException e) {
                e.rowErrors().forEach((i, reason) -> rejected.put(from + i, reason));
            }
        }
        if (!rejected.isEmpty()) {
            throw new PartialInsertException("BigQuery rejected " + rejected.size() + " of " + rows.size()
                    + " row(s) for " + table + ": " + rejected.values(), rejected);
        }
    }

    private void send(TableRef table, List<MetadataRow> rows, List<Map<String, Object>> contents, List<byte[]> jsons,
            String loadId) throws Exception {
        Exchange result;
        try {
            result = producer().send(ROUTE, ex -> {
                ex.getMessage().setBody(rows);
                ex.setProperty(BigQueryHeaders.CONTENTS, contents);
                ex.setProperty(BigQueryHeaders.JSONS, jsons);
                ex.getMessage().setHeader(BigQueryHeaders.TABLE, table.uri());
                if (loadId != null) {
                    ex.getMessage().setHeader(BigQueryHeaders.INSERT_ID_SCOPE, loadId);
                }
            });
        } finally {
            InsertAllBody.forget(); // the route ran on this thread and remembered the rows' JSON for its body
        }
        if (result.getException() != null) {
            throw result.getException();
        }
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    if (context == null) {
                        throw new IllegalStateException("CamelBigQueryDelivery has no CamelContext: bind it in the registry");
                    }
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }

    @Override
    public void prepare(TableRef table) throws Exception {
        tables.prepare(table);
    }

    @Override
    public int concurrentInserts() {
        return tables.concurrentInserts();
    }

    @Override
    public Schema schema(TableRef table) throws Exception {
        return tables.schema(table);
    }

    @Override
    public long rowCount(TableRef table) throws Exception {
        return tables.rowCount(table);
    }

    @Override
    public void truncate(TableRef table) throws Exception {
        tables.truncate(table);
    }

    @Override
    public List<Map<String, Object>> query(String sql) throws Exception {
        return tables.query(sql);
    }

    @Override
    public void close() throws Exception {
        ProducerTemplate p = producer;
        if (p != null) {
            p.close();
        }
        // the clients belong to the bigQueryClients bean, which closes them itself
    }
}
