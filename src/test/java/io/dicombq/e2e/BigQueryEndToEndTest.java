package io.dicombq.e2e;

import io.dicombq.testing.TestDirs;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.bigquery.BigQueryViewSql;
import io.dicombq.bigquery.FakeBigQueryServer;
import io.dicombq.ops.Operation;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dicombq.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole bundle with {@code dicom.warehouse=bigquery}, pointed at {@link FakeBigQueryServer}
 * by {@code dicom.bigquery.host}: the real client library, Camel's google-bigquery endpoint,
 * the bundle's routes and application.properties. Two destinations: {@code instances}, which
 * the bundle creates, and {@code legacy}, made earlier by another tool with a column type the
 * CT sample cannot fill, so BigQuery rejects that one row.
 */
@CamelMainTest(properties = {
        "dicom.warehouse=bigquery",
        "dicom.bigquery.host=http://127.0.0.1:" + BigQueryEndToEndTest.BIGQUERY_PORT,
        "dicom.stream-configs=bq://proj-e2e.dicom.instances,bq://proj-e2e.dicom.legacy",
        "dicom.inbox=target/it/bigquery/inbox",
        "dicom.store.dir=target/it/bigquery/store",
        "dicom.data=target/it/bigquery/data",
        "camel.server.port=18183",
        "camel.management.port=18183",
        "dicom.retry.initial-delay-ms=50"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BigQueryEndToEndTest {
    static final int BIGQUERY_PORT = 18193;
    static final Path ROOT = Path.of("target/it/bigquery");
    static final Path INBOX = ROOT.resolve("inbox");
    static final TableRef INSTANCES = TableRef.parse("bq://proj-e2e.dicom.instances");
    static final String CT_SOP = "1.2.826.0.1.3680043.10.1453.1.1.1";
    static final FakeBigQueryServer BIGQUERY;

    static {
        TestDirs.deleteRecursively(ROOT);
        try {
            BIGQUERY = new FakeBigQueryServer(BIGQUERY_PORT); // up before the bundle starts
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BIGQUERY.addDataset("proj-e2e", "dicom");
        BIGQUERY.addDataset("proj-e2e", "exports");
        // another tool's table: SliceThickness (DS, a STRING column here) declared INTEGER
        BIGQUERY.addTable("proj-e2e", "dicom", "legacy", List.of(
                Map.of("name", "StudyInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "SeriesInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "SOPInstanceUID", "type", "STRING", "mode", "NULLABLE"),
                Map.of("name", "SliceThickness", "type", "INTEGER", "mode", "NULLABLE")));
    }

    @BeanInject
    CamelContext context;

    @AfterAll
    static void stopBigQuery() {
        BIGQUERY.close();
    }

    @Test
    @Order(1)
    void samplesLandInBigQueryAndTheRowItRejectsIsDeadLettered() throws Exception {
        Files.createDirectories(INBOX);
        for (String s : List.of("ct", "mr", "sr")) {
            drop(s + ".dcm", s + ".dcm");
        }
        until(() -> rows("instances").size() == 3 && rows("legacy").size() == 2
                && Files.exists(deadLetters()) && inboxEmpty());

        // the table was created with the service columns, then patched with the samples' columns
        FakeBigQueryServer.Call create = BIGQUERY.calls("POST", "/projects/proj-e2e/datasets/dicom/tables").stream()
                .filter(c -> "instances".equals(((Map<?, ?>) c.body().get("tableReference")).get("tableId")))
                .findFirst().orElseThrow();
        Set<String> created = names(schemaFields(create.body()));
        assertTrue(created.containsAll(Set.of("Type", "LastUpdated", "BlobStorageSize", "StorageClass")), created.toString());
        Set<String> patched = new HashSet<>();
        BIGQUERY.calls("PATCH", "/projects/proj-e2e/datasets/dicom/tables/instances")
                .forEach(c -> patched.addAll(names(schemaFields(c.body()))));
        assertTrue(patched.containsAll(Set.of("Modality", "PatientName", "ContentSequence", "SliceThickness")),
                patched.toString());

        // insertAll bodies: the rows' columns and a deterministic insertId each
        Set<String> sops = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (FakeBigQueryServer.Call c : BIGQUERY.calls("POST", "/datasets/dicom/tables/instances/insertAll")) {
            for (Map<String, Object> row : c.list("rows")) {
                assertTrue(String.valueOf(row.get("insertId")).matches("[0-9a-f]{64}"), row.toString());
                ids.add((String) row.get("insertId"));
                Map<?, ?> json = (Map<?, ?>) row.get("json");
                sops.add((String) json.get("SOPInstanceUID"));
                assertEquals("INSERT", json.get("Type"));
            }
        }
        assertEquals(3, sops.size());
        assertEquals(3, ids.size());
        assertEquals("Dupont", ((Map<?, ?>) ((Map<?, ?>) rows("instances").stream()
                .filter(r -> CT_SOP.equals(r.get("SOPInstanceUID"))).findFirst().orElseThrow()
                .get("PatientName")).get("Alphabetic")).get("FamilyName"));

        // the view, by DDL in a query job, with exactly the project's GoogleSQL
        assertEquals(BigQueryViewSql.select(INSTANCES), BIGQUERY.table("proj-e2e", "dicom", "instances_view").viewQuery);

        // legacy: the CT row was rejected with BigQuery's reason and dead-lettered; MR and SR landed
        assertTrue(rows("legacy").stream().noneMatch(r -> CT_SOP.equals(r.get("SOPInstanceUID"))));
        List<String> lines = Files.readAllLines(deadLetters());
        assertEquals(1, lines.size(), lines.toString());
        Map<?, ?> letter = new ObjectMapper().readValue(lines.get(0), Map.class);
        assertEquals(CT_SOP, ((Map<?, ?>) letter.get("row")).get("SOPInstanceUID"));
        String message = (String) ((Map<?, ?>) letter.get("error")).get("message");
        assertTrue(message.contains("proj-e2e.dicom.legacy"), message);
        assertTrue(message.contains("invalid at SliceThickness: Cannot convert value to integer (bad value): 1.25"), message);
    }

    @Test
    @Order(2)
    void aBigQueryOutageIsRetriedUntilTheRowLands() throws Exception {
        BIGQUERY.clearCalls();
        BIGQUERY.failNextInsertAll(1, 503);
        drop("mr.dcm", "mr-again.dcm"); // stored again: a new event, a new row in each table

        until(() -> rows("instances").size() == 4 && rows("legacy").size() == 3 && inboxEmpty());
        List<FakeBigQueryServer.Call> inserts = BIGQUERY.calls("POST", "/insertAll");
        assertEquals(3, inserts.size(), "one insertAll per destination, and the one that got 503 again");
        assertEquals(1, Files.readAllLines(deadLetters()).size(), "nothing more dead-lettered");
    }

    @Test
    @Order(3)
    void manualExportWritesTheStoreWithEachWriteDisposition() throws Exception {
        Operation first = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://proj-e2e.exports.rebuilt\"}}");
        assertNull(first.toJson().get("error"), () -> first.toJson().toString());
        assertEquals(3, first.success());
        assertEquals(3, exported().size());
        assertTrue(BIGQUERY.table("proj-e2e", "exports", "rebuilt_view").viewQuery != null);

        Operation refused = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://proj-e2e.exports.rebuilt\","
                + "\"force\":false}}");
        assertTrue(String.valueOf(refused.toJson().get("error")).contains("WRITE_EMPTY"), refused.toJson().toString());
        assertEquals(3, exported().size());

        export("{\"bigqueryDestination\":{\"tableUri\":\"bq://proj-e2e.exports.rebuilt\","
                + "\"writeDisposition\":\"WRITE_APPEND\"}}");
        assertEquals(6, exported().size(), "appended, not dropped as copies of the first export");

        Operation truncate = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://proj-e2e.exports.rebuilt\","
                + "\"force\":true}}");
        assertEquals(3, truncate.success());
        assertEquals(3, exported().size());
        assertTrue(BIGQUERY.calls().stream().anyMatch(c -> String.valueOf(c.body().get("query"))
                .startsWith("TRUNCATE TABLE `proj-e2e`.`exports`.`rebuilt`")
                || String.valueOf(c.body().get("configuration")).contains("TRUNCATE TABLE")));
    }

    private Operation export(String body) throws Exception {
        Operation op = context.createProducerTemplate().requestBody("direct:export", body, Operation.class);
        until(op::isDone);
        return op;
    }

    private static List<Map<String, Object>> exported() {
        return BIGQUERY.table("proj-e2e", "exports", "rebuilt").rows;
    }

    private static List<Map<String, Object>> rows(String table) {
        FakeBigQueryServer.FakeTable t = BIGQUERY.table("proj-e2e", "dicom", table);
        return t == null ? List.of() : t.rows;
    }

    /**
     * The dead-letter file. Its name comes from the destination header, which main's
     * destination route does not yet keep in the dead letter (useOriginalMessage drops it), so
     * the one file in the folder is taken whatever it is called.
     */
    private static Path deadLetters() throws IOException {
        Path dir = ROOT.resolve("data/dead-letters");
        if (!Files.isDirectory(dir)) {
            return dir.resolve("none-yet");
        }
        try (var files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".ndjson")).toList();
            assertTrue(all.size() <= 1, all.toString());
            return all.isEmpty() ? dir.resolve("none-yet") : all.get(0);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> schemaFields(Map<String, Object> tableBody) {
        return (List<Map<String, Object>>) ((Map<String, Object>) tableBody.get("schema")).get("fields");
    }

    private static Set<String> names(List<Map<String, Object>> fields) {
        Set<String> out = new HashSet<>();
        fields.forEach(f -> out.add((String) f.get("name")));
        return out;
    }

    private static void drop(String sample, String as) throws IOException {
        Path target = INBOX.resolve(as);
        Path tmp = INBOX.resolve("." + target.getFileName() + ".tmp");
        Files.copy(Path.of("samples").resolve(sample), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean inboxEmpty() throws IOException {
        try (var walk = Files.walk(INBOX)) {
            return walk.filter(Files::isRegularFile).noneMatch(p -> !INBOX.relativize(p).toString().startsWith("."));
        }
    }
}
