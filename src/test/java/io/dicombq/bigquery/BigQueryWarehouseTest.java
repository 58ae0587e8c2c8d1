package io.dicombq.bigquery;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BigQueryWarehouse driving the real google-cloud-bigquery client against {@link FakeBigQueryServer}. */
class BigQueryWarehouseTest {

    static final Instant T1 = Instant.parse("2024-05-01T10:00:00.123456Z");

    FakeBigQueryServer server;
    BigQueryWarehouse warehouse;
    final TableRef table = TableRef.parse("bq://proj-a.dicom.instances");

    @BeforeEach
    void start() throws Exception {
        server = new FakeBigQueryServer();
        server.addDataset("proj-a", "dicom");
        warehouse = new BigQueryWarehouse(new BigQueryClients(server.url(), null));
    }

    @AfterEach
    void stop() {
        warehouse.close();
        server.close();
    }

    @Test
    void prepareCreatesTheTableWithServiceColumnsAndTheView() throws Exception {
        warehouse.prepare(table);

        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/projects/proj-a/datasets/dicom/tables");
        assertEquals(1, inserts.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = (Map<String, Object>) inserts.get(0).body().get("schema");
        assertEquals(new Schema(ServiceColumns.FIELDS).toJson(), schema.get("fields"));
        assertEquals(Map.of("projectId", "proj-a", "datasetId", "dicom", "tableId", "instances"),
                inserts.get(0).body().get("tableReference"));
        // requests really arrive compressed
        assertEquals("gzip", inserts.get(0).headers().get("Content-encoding").get(0));
        assertEquals("chunked", inserts.get(0).headers().get("Transfer-encoding").get(0));

        String ddl = viewDdl();
        assertEquals(BigQueryViewSql.createOrReplace(table), ddl);
        // jobs.query, in the table's project, once
        List<FakeBigQueryServer.Call> queries = server.calls("POST", "/projects/proj-a/queries");
        assertEquals(1, queries.size());
        assertEquals(Boolean.FALSE, queries.get(0).body().get("useLegacySql"));
        assertTrue(ddl.startsWith("CREATE OR REPLACE VIEW `proj-a`.`dicom`.`instances_view` AS"), ddl);
        assertNotNull(server.table("proj-a", "dicom", "instances_view").viewQuery);

        // prepare is idempotent: no second create, the view is replaced again
        server.clearCalls();
        warehouse.prepare(table);
        assertTrue(server.calls("POST", ".*/tables").isEmpty());
        assertEquals(BigQueryViewSql.createOrReplace(table), viewDdl());
    }

    @Test
    void missingDatasetIsAClearError() {
        TableRef elsewhere = TableRef.parse("bq://proj-a.nodataset.t");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> warehouse.prepare(elsewhere));
        assertTrue(e.getMessage().contains("dataset proj-a:nodataset does not exist"), e.getMessage());
    }

    @Test
    void insertAddsMissingColumnsIncludingNestedOnesThenInsertsWithInsertIds() throws Exception {
        warehouse.prepare(table);
        MetadataRow first = TestRows.withPatientName(TestRows.row("1.2.3.4.5", "INSERT", T1), "Doe", "Jane");
        warehouse.insert(table, List.of(first));

        List<FakeBigQueryServer.Call> patches = server.calls("PATCH", "/tables/instances");
        assertEquals(1, patches.size());
        assertTrue(patches.get(0).headers().containsKey("X-http-method-override"), "PATCH travels as POST");
        assertEquals(new Schema(ServiceColumns.FIELDS).add(TestRows.PATIENT_NAME).toJson(),
                ((Map<?, ?>) patches.get(0).body().get("schema")).get("fields"));

        // a later row brings a nested field PatientName lacks: the RECORD is patched in place
        Field withExtra = Field.record("PatientName", Field.Mode.NULLABLE,
                List.of(Field.record("Alphabetic", Field.Mode.NULLABLE, List.of(
                        Field.nullable("FamilyName", Field.Type.STRING), Field.nullable("Nickname", Field.Type.STRING)))));
        MetadataRow second = TestRows.row("1.2.3.4.6", "INSERT", T1);
        TestRows.with(second, withExtra, Map.of("Alphabetic", Map.of("FamilyName", "Roe", "Nickname", "R")));
        warehouse.insert(table, List.of(second));

        Schema now = warehouse.schema(table);
        List<Field> alphabetic = now.get("PatientName").fields().get(0).fields();
        assertEquals(List.of("FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix", "Nickname"),
                alphabetic.stream().map(Field::name).toList());
        assertEquals(2, server.calls("PATCH", "/tables/instances").size());

        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/tables/instances/insertAll");
        assertEquals(2, inserts.size());
        Map<String, Object> sent = inserts.get(0).list("rows").get(0);
        assertEquals(RowInsertIds.of(first), sent.get("insertId"));
        assertEquals(64, ((String) sent.get("insertId")).length());
        assertEquals(Map.of("StudyInstanceUID", "1.2.3", "SeriesInstanceUID", "1.2.3.4", "SOPInstanceUID", "1.2.3.4.5",
                "Type", "INSERT", "LastUpdated", "2024-05-01T10:00:00.123456Z", "BlobStorageSize", 1234,
                "StorageClass", "STANDARD",
                "PatientName", Map.of("Alphabetic", Map.of("FamilyName", "Doe", "GivenName", "Jane"))), sent.get("json"));
        assertEquals(2, warehouse.rowCount(table));

        // the same event sent again carries the same insertId and is dropped
        warehouse.insert(table, List.of(first));
        assertEquals(2, warehouse.rowCount(table));
    }

    @Test
    void aKnownSchemaSavesTheTableLookup() throws Exception {
        warehouse.prepare(table);
        server.clearCalls();
        warehouse.insert(table, List.of(TestRows.row("1.2.3.4.5", "INSERT", T1)));
        assertTrue(server.calls("GET", "/tables/instances").isEmpty());
        assertEquals(1, server.calls("POST", "/tables/instances/insertAll").size());
    }

    @Test
    void aPatchRacingAnotherWriterIsRetriedWithTheUnion() throws Exception {
        warehouse.prepare(table);
        // between our read and our patch, another writer adds a column we do not know about
        server.beforeNextPatch(() -> {
            FakeBigQueryServer.FakeTable t = server.table("proj-a", "dicom", "instances");
            List<Map<String, Object>> fields = new java.util.ArrayList<>(t.fields);
            fields.add(Map.of("name", "Modality", "type", "STRING", "mode", "NULLABLE"));
            t.replaceFields(fields);
        });
        MetadataRow row = TestRows.with(TestRows.row("1.2.3.4.5", "INSERT", T1),
                Field.nullable("PatientID", Field.Type.STRING), "P1");
        warehouse.insert(table, List.of(row));

        List<FakeBigQueryServer.Call> patches = server.calls("PATCH", "/tables/instances");
        assertEquals(2, patches.size(), "first patch refused (would drop Modality), second one sent the union");
        Schema now = warehouse.schema(table);
        assertNotNull(now.get("Modality"));
        assertNotNull(now.get("PatientID"));
        assertEquals(1, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void twoWritersAddingDifferentColumnsAtOnceBothSucceed() throws Exception {
        warehouse.prepare(table);
        // a second process: its own client and its own idea of the table
        try (BigQueryWarehouse other = new BigQueryWarehouse(new BigQueryClients(server.url(), null))) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
                for (BigQueryWarehouse w : List.of(warehouse, other)) {
                    String prefix = w == warehouse ? "A" : "B";
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 4; i++) {
                            MetadataRow row = TestRows.with(TestRows.row(prefix + i, "INSERT", T1),
                                    Field.nullable("Column" + prefix + i, Field.Type.STRING), "v");
                            w.insert(table, List.of(row));
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Schema now = warehouse.schema(table);
        for (String prefix : List.of("A", "B")) {
            for (int i = 0; i < 4; i++) {
                assertNotNull(now.get("Column" + prefix + i), "Column" + prefix + i);
            }
        }
        assertEquals(8, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void aTablePredatingTypeAndLastUpdatedGetsThem() throws Exception {
        server.addTable("proj-a", "dicom", "instances", List.of(
                Map.of("name", "StudyInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "SeriesInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "SOPInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "Legacy", "type", "BOOLEAN", "mode", "NULLABLE", "description", "kept as is")));
        warehouse.prepare(table);

        List<FakeBigQueryServer.Call> patches = server.calls("PATCH", "/tables/instances");
        assertEquals(1, patches.size());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> fields = (List<Map<String, Object>>) ((Map<?, ?>) patches.get(0).body().get("schema")).get("fields");
        assertEquals(List.of("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "Legacy", "Type",
                "LastUpdated", "BlobStorageSize", "StorageClass"), fields.stream().map(f -> f.get("name")).toList());
        assertEquals("kept as is", fields.get(3).get("description"));
        assertEquals("TIMESTAMP", fields.get(5).get("type"));
        assertTrue(server.calls("POST", ".*/tables").isEmpty(), "the existing table is not re-created");
        assertFalse(viewDdl().isEmpty());
    }

    @Test
    void rejectedRowsComeBackWithBigQuerysReasonAndNothingLands() throws Exception {
        warehouse.prepare(table);
        // someone made PatientAge an INTEGER; our string does not convert
        FakeBigQueryServer.FakeTable t = server.table("proj-a", "dicom", "instances");
        t.replaceFields(appended(t.fields, Map.of("name", "PatientAge", "type", "INTEGER", "mode", "NULLABLE")));
        MetadataRow good = TestRows.row("1.2.3.4.5", "INSERT", T1);
        MetadataRow bad = TestRows.with(TestRows.row("1.2.3.4.6", "INSERT", T1),
                Field.nullable("PatientAge", Field.Type.STRING), "045Y");
        BigQueryInsertException e = assertThrows(BigQueryInsertException.class,
                () -> warehouse.insert(table, List.of(good, bad)));
        assertTrue(e.failure().rejected(1));
        assertFalse(e.failure().rejected(0));
        assertEquals("invalid at PatientAge: Cannot convert value to integer (bad value): 045Y", e.failure().reasonFor(1));
        assertEquals(0, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void theFakeCountingRowsOnlyStillChecksDeDuplicatesAndCountsThem() throws Exception {
        // the mode the benchmark runs the fake in: its heap must not hold every row it was sent
        warehouse.prepare(table);
        server.countRowsOnly();
        MetadataRow first = TestRows.row("1.2.3.4.5", "INSERT", T1);
        warehouse.insert(table, List.of(first, TestRows.row("1.2.3.4.6", "INSERT", T1)));
        warehouse.insert(table, List.of(first)); // the same insertId again: dropped
        assertEquals(2, warehouse.rowCount(table));
        assertEquals(0, server.table("proj-a", "dicom", "instances").rows.size());
        assertEquals(List.of(), server.calls("POST", "/tables/instances/insertAll"));

        FakeBigQueryServer.FakeTable t = server.table("proj-a", "dicom", "instances");
        t.replaceFields(appended(t.fields, Map.of("name", "PatientAge", "type", "INTEGER", "mode", "NULLABLE")));
        MetadataRow bad = TestRows.with(TestRows.row("1.2.3.4.7", "INSERT", T1),
                Field.nullable("PatientAge", Field.Type.STRING), "045Y");
        BigQueryInsertException e = assertThrows(BigQueryInsertException.class,
                () -> warehouse.insert(table, List.of(bad)));
        assertTrue(e.failure().rejected(0));
        assertEquals(2, warehouse.rowCount(table));
    }

    @Test
    void eachProjectHasItsOwnClient() throws Exception {
        server.addDataset("proj-b", "other");
        TableRef b = TableRef.parse("bq://proj-b.other.instances");
        warehouse.prepare(table);
        warehouse.prepare(b);
        warehouse.insert(b, List.of(TestRows.row("1.2.3.4.5", "INSERT", T1)));

        assertEquals(1, server.calls("POST", "/projects/proj-b/datasets/other/tables/instances/insertAll").size());
        assertEquals(1, server.table("proj-b", "other", "instances").rows.size());
        assertTrue(server.table("proj-a", "dicom", "instances").rows.isEmpty(), "rows in the wrong table");
        // the view DDL of each table runs as a job in that table's project
        assertTrue(server.calls().stream().anyMatch(c -> c.path().matches(".*/projects/proj-b/(queries|jobs)")
                && String.valueOf(c.body()).contains("`proj-b`.`other`.`instances_view`")));
        assertTrue(warehouse.clients().forProject("proj-a") != warehouse.clients().forProject("proj-b"));
        assertEquals("proj-b", warehouse.clients().forProject("proj-b").getOptions().getProjectId());
    }

    @Test
    void queryReturnsRowsAsMaps() throws Exception {
        warehouse.prepare(table);
        warehouse.insert(table, List.of(TestRows.row("1.2.3.4.5", "INSERT", T1), TestRows.row("1.2.3.4.6", "INSERT", T1)));
        List<Map<String, Object>> rows = warehouse.query("proj-a",
                "SELECT COUNT(*) AS n FROM `proj-a`.`dicom`.`instances`");
        assertEquals(List.of(Map.of("n", 2L)), rows);
        assertEquals(-1, warehouse.rowCount(TableRef.parse("bq://proj-a.dicom.absent")));
        warehouse.truncate(table);
        assertEquals(0, warehouse.rowCount(table));
    }

    private String viewDdl() {
        return server.calls().stream()
                .filter(c -> c.path().endsWith("/queries") || c.path().endsWith("/jobs"))
                .map(c -> c.body().containsKey("query") ? (String) c.body().get("query")
                        : (String) ((Map<?, ?>) ((Map<?, ?>) c.body().get("configuration")).get("query")).get("query"))
                .filter(q -> q.startsWith("CREATE OR REPLACE VIEW"))
                .reduce((a, b) -> b).orElse("");
    }

    private static List<Map<String, Object>> appended(List<Map<String, Object>> fields, Map<String, Object> extra) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(fields);
        out.add(extra);
        return out;
    }
}
