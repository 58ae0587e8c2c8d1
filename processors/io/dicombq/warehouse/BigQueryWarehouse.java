package io.dicombq.warehouse;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TableResult;
import io.dicombq.bigquery.BigQueryClients;
import io.dicombq.bigquery.BigQueryInsertException;
import io.dicombq.bigquery.BigQuerySchemas;
import io.dicombq.bigquery.BigQueryViewSql;
import io.dicombq.bigquery.InsertAllFailure;
import io.dicombq.bigquery.JsonRows;
import io.dicombq.bigquery.RowInsertIds;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BigQuery as the warehouse: tables, columns and the {@code TABLE_view} view managed with
 * the BigQuery client of the table's project. The bundle delivers rows through a
 * google-bigquery endpoint instead ({@code CamelBigQueryDelivery}); {@link #insert} is the
 * direct path for callers without a route.
 */
public class BigQueryWarehouse implements Warehouse {

    private static final Logger LOG = LoggerFactory.getLogger(BigQueryWarehouse.class);

    /** Patch attempts when other writers keep changing the table in between. */
    static final int PATCH_ATTEMPTS = 5;

    private final BigQueryClients clients;
    // What each table is known to hold. Columns are only ever added, so a cached schema that
    // covers a batch stays true and saves a tables.get per batch.
    private final Map<TableRef, Schema> known = new ConcurrentHashMap<>();

    private volatile int concurrentInserts = DEFAULT_CONCURRENT_INSERTS;

    /**
     * insertAll requests in flight per table: a round trip takes 50-200 ms, so one at a time
     * caps a destination at a few thousand rows/s. 4 stays within the JDK HTTP client's pool
     * of 5 kept-alive connections per host, so every request reuses a connection.
     */
    public static final int DEFAULT_CONCURRENT_INSERTS = 4;

    public BigQueryWarehouse(BigQueryClients clients) {
        this.clients = clients;
    }

    /** {@code dicom.bigquery.concurrent-inserts}: insertAll requests in flight per destination table. */
    public void setConcurrentInserts(int concurrentInserts) {
        if (concurrentInserts < 1) {
            throw new IllegalArgumentException("dicom.bigquery.concurrent-inserts must be at least 1, got " + concurrentInserts);
        }
        this.concurrentInserts = concurrentInserts;
    }

    @Override
    public int concurrentInserts() {
        return concurrentInserts;
    }

    public BigQueryClients clients() {
        return clients;
    }

    @Override
    public void prepare(TableRef table) {
        if (!ensureColumns(table, new Schema(ServiceColumns.FIELDS))) {
            replaceView(table); // "replaced if present": also when the table itself was already fine
        }
    }

    /**
     * Creates the table when missing, or adds the columns of {@code wanted} it lacks (nested
     * RECORD fields too), then replaces the view when the table changed so that its column
     * list follows. Safe when several writers do this at once.
     *
     * @return true when the table was created or patched
     */
    public boolean ensureColumns(TableRef table, Schema wanted) {
        Schema cached = known.get(table);
        if (cached != null && cached.covers(wanted)) {
            return false;
        }
        boolean changed = createOrPatch(table, wanted);
        if (changed) {
            replaceView(table);
        }
        return changed;
    }

    private boolean createOrPatch(TableRef table, Schema wanted) {
        BigQuery bq = client(table);
        TableId id = tableId(table);
        for (int attempt = 1; ; attempt++) {
            Table current = bq.getTable(id);
            if (current == null) {
                if (create(bq, table, wanted)) {
                    return true;
                }
                continue; // another writer created it first: patch that one
            }
            com.google.cloud.bigquery.Schema have = current.getDefinition().getSchema();
            com.google.cloud.bigquery.Schema merged = BigQuerySchemas.withAdded(have, wanted);
            if (merged == null) {
                remember(table, have);
                return false;
            }
            try {
                Table patched = bq.update(TableInfo.of(id, StandardTableDefinition.of(merged)));
                remember(table, patched == null ? merged : patched.getDefinition().getSchema());
                LOG.info("added columns to {}: {}", table, BigQuerySchemas.fromBigQuery(have).missingFrom(wanted));
                return true;
            } catch (BigQueryException e) {
                // 400 "field X is missing in new schema", 409 or 412: another writer patched the
                // table after we read it. Read again and send a union that includes its columns.
                boolean raced = e.getCode() == 400 || e.getCode() == 409 || e.getCode() == 412;
                if (!raced || attempt >= PATCH_ATTEMPTS || unchanged(bq, id, current)) {
                    throw e;
                }
                LOG.debug("patch of {} raced with another writer ({}), retrying", table, e.getMessage());
            }
        }
    }

    private static boolean unchanged(BigQuery bq, TableId id, Table before) {
        Table now = bq.getTable(id);
        return now != null && before.getEtag() != null && before.getEtag().equals(now.getEtag());
    }

    /** @return false when the table already existed (created concurrently). */
    private boolean create(BigQuery bq, TableRef table, Schema wanted) {
        Schema schema = new Schema(ServiceColumns.FIELDS).addAll(wanted.fields());
        try {
            Table created = bq.create(TableInfo.of(tableId(table),
                    StandardTableDefinition.of(BigQuerySchemas.toBigQuery(schema))));
            remember(table, created.getDefinition().getSchema());
            LOG.info("created BigQuery table {}", table);
            return true;
        } catch (BigQueryException e) {
            if (e.getCode() == 409) {
                return false;
            }
            if (e.getCode() == 404) {
                throw new IllegalStateException("BigQuery dataset " + table.project() + ":" + table.dataset()
                        + " does not exist; create it first (bq mk --dataset " + table.project() + ":"
                        + table.dataset() + "), then table " + table.table() + " is created on the first row", e);
            }
            throw e;
        }
    }

    private void remember(TableRef table, com.google.cloud.bigquery.Schema schema) {
        known.put(table, BigQuerySchemas.fromBigQuery(schema));
    }

    /** {@code CREATE OR REPLACE VIEW} for {@code TABLE_view}, run as a query job in the table's project. */
    public void replaceView(TableRef table) {
        runQuery(table.project(), BigQueryViewSql.createOrReplace(table));
    }

    @Override
    public void insert(TableRef table, List<MetadataRow> rows) throws BigQueryInsertException {
        insert(table, rows, null);
    }

    @Override
    public void insert(TableRef table, List<MetadataRow> rows, String loadId) throws BigQueryInsertException {
        if (rows.isEmpty()) {
            return;
        }
        Schema wanted = new Schema();
        rows.forEach(r -> wanted.addAll(r.schema().fields()));
        ensureColumns(table, wanted);
        InsertAllRequest.Builder request = InsertAllRequest.newBuilder(tableId(table));
        for (MetadataRow row : rows) {
            request.addRow(RowInsertIds.of(row, loadId), JsonRows.content(row));
        }
        InsertAllResponse response = client(table).insertAll(request.build());
        if (response.hasErrors()) {
            // without skipInvalidRows BigQuery stores none of the rows when one is invalid
            throw new BigQueryInsertException(InsertAllFailure.fromResponse(table.uri(), response.getInsertErrors()));
        }
    }

    @Override
    public Schema schema(TableRef table) {
        Table t = client(table).getTable(tableId(table));
        return t == null ? new Schema() : BigQuerySchemas.fromBigQuery(t.getDefinition().getSchema());
    }

    @Override
    public long rowCount(TableRef table) throws InterruptedException {
        if (client(table).getTable(tableId(table)) == null) {
            return -1;
        }
        TableResult result = runQuery(table.project(), "SELECT COUNT(*) AS n FROM " + path(table));
        for (FieldValueList row : result.getValues()) {
            return row.get(0).getLongValue();
        }
        return 0;
    }

    @Override
    public void truncate(TableRef table) {
        runQuery(table.project(), "TRUNCATE TABLE " + path(table));
        // rows still in the streaming buffer survive TRUNCATE in BigQuery; the export says so
    }

    /** Runs GoogleSQL in the default project ({@link BigQueryClients#getDefaultProject()}). */
    @Override
    public List<Map<String, Object>> query(String sql) {
        return query(null, sql);
    }

    /** Runs GoogleSQL as a job in {@code project}; each row as ordered JSON-ready values. */
    public List<Map<String, Object>> query(String project, String sql) {
        TableResult result = runQuery(project, sql);
        List<Map<String, Object>> rows = new ArrayList<>();
        FieldList fields = result.getSchema() == null ? null : result.getSchema().getFields();
        for (FieldValueList values : result.iterateAll()) {
            rows.add(record(fields, values));
        }
        return rows;
    }

    private TableResult runQuery(String project, String sql) {
        BigQuery bq = clients.forProject(project == null ? defaultProject() : project);
        try {
            return bq.query(QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running BigQuery query", e);
        }
    }

    private String defaultProject() {
        String p = clients.getDefaultProject();
        if (p == null) {
            throw new IllegalStateException("no project to run the BigQuery query in: set "
                    + "dicom.bigquery.project or GOOGLE_CLOUD_PROJECT, or use query(project, sql)");
        }
        return p;
    }

    private static Map<String, Object> record(FieldList fields, FieldValueList values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            com.google.cloud.bigquery.Field f = fields == null ? null : fields.get(i);
            out.put(f == null ? "f" + i : f.getName(), value(f, values.get(i)));
        }
        return out;
    }

    private static Object value(com.google.cloud.bigquery.Field f, FieldValue v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.getAttribute() == FieldValue.Attribute.REPEATED) {
            List<Object> list = new ArrayList<>();
            for (FieldValue item : v.getRepeatedValue()) {
                list.add(value(f == null ? null : f.toBuilder().setMode(null).build(), item));
            }
            return list;
        }
        if (v.getAttribute() == FieldValue.Attribute.RECORD) {
            return record(f == null ? null : f.getSubFields(), v.getRecordValue());
        }
        LegacySQLTypeName type = f == null ? null : f.getType();
        if (LegacySQLTypeName.INTEGER.equals(type)) {
            return v.getLongValue();
        }
        if (LegacySQLTypeName.FLOAT.equals(type)) {
            return v.getDoubleValue();
        }
        if (LegacySQLTypeName.BOOLEAN.equals(type)) {
            return v.getBooleanValue();
        }
        if (LegacySQLTypeName.TIMESTAMP.equals(type)) {
            return ServiceColumns.timestamp(v.getTimestampInstant());
        }
        return v.getStringValue();
    }

    private BigQuery client(TableRef table) {
        return clients.forProject(table.project());
    }

    static TableId tableId(TableRef table) {
        return TableId.of(table.project(), table.dataset(), table.table());
    }

    private static String path(TableRef table) {
        return BigQueryViewSql.path(table.project(), table.dataset(), table.table());
    }

    @Override
    public void close() {
        clients.close();
    }
}
