package io.dicombq.bigquery;

import com.google.cloud.bigquery.BigQueryException;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.PartialInsertException;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CamelBigQueryDelivery} with the bundle's own {@code routes/bigquery.camel.yaml}: rows
 * go through Camel's google-bigquery producer and the real client into {@link FakeBigQueryServer}.
 */
class CamelBigQueryDeliveryTest {

    static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");

    FakeBigQueryServer server;
    BigQueryClients clients;
    CamelContext context;
    CamelBigQueryDelivery delivery;
    final TableRef table = TableRef.parse("bq://proj-a.dicom.instances");

    @BeforeEach
    void start() throws Exception {
        server = new FakeBigQueryServer();
        server.addDataset("proj-a", "dicom");
        server.addDataset("proj-b", "dicom");
        clients = new BigQueryClients(server.url(), null);
        BigQueryWarehouse tables = new BigQueryWarehouse(clients);

        BigQueryRouteContext wired = BigQueryRouteContext.start(tables, "classpath:camel/bigquery.camel.yaml");
        context = wired.context();
        delivery = wired.delivery();
        delivery.prepare(table);
    }

    @AfterEach
    void stop() throws Exception {
        delivery.close();
        context.stop();
        clients.close();
        server.close();
    }

    @Test
    void aBatchGoesOutAsOneInsertAllWithInsertIdsAfterTheColumnsAreAdded() throws Exception {
        List<MetadataRow> rows = List.of(
                TestRows.withPatientName(TestRows.row("1.2.3.4.1", "INSERT", T1), "Doe", "Jane"),
                TestRows.row("1.2.3.4.2", "INSERT", T1),
                TestRows.row("1.2.3.4.3", "DELETE", T1));
        server.clearCalls();

        delivery.insert(table, rows);

        List<FakeBigQueryServer.Call> calls = server.calls();
        assertEquals("PATCH", calls.stream().filter(c -> !c.method().equals("GET")).findFirst().orElseThrow().method(),
                "PatientName is added before the insert");
        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/projects/proj-a/datasets/dicom/tables/instances/insertAll");
        assertEquals(1, inserts.size(), "one insertAll for the batch");
        List<Map<String, Object>> sent = inserts.get(0).list("rows");
        for (int i = 0; i < 3; i++) {
            assertEquals(RowInsertIds.of(rows.get(i)), sent.get(i).get("insertId"));
            assertEquals(asJson(JsonRows.content(rows.get(i))), sent.get(i).get("json"));
            // the JSON made to size the request is the one sent: the client's own writer would send
            // its copy of the row, a HashMap, in another order
            assertEquals(List.copyOf(rows.get(i).values().keySet()), List.copyOf(((Map<?, ?>) sent.get(i).get("json")).keySet()));
        }
        assertFalse(((Map<?, ?>) sent.get(0).get("json")).containsKey("insertId"), "the id is not sent as a column");
        assertEquals(3, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void rejectedRowsFailByTheirIndexWithBigQuerysReasonAndTheOthersLand() throws Exception {
        addColumn(table, "NumberOfFrames", "INTEGER");
        MetadataRow bad = TestRows.with(TestRows.row("1.2.3.4.2", "INSERT", T1),
                Field.nullable("NumberOfFrames", Field.Type.STRING), "many");
        List<MetadataRow> rows = List.of(TestRows.row("1.2.3.4.1", "INSERT", T1), bad,
                TestRows.row("1.2.3.4.3", "INSERT", T1));

        PartialInsertException e = assertThrows(PartialInsertException.class, () -> delivery.insert(table, rows));

        assertEquals(Map.of(1, "invalid at NumberOfFrames: Cannot convert value to integer (bad value): many"),
                e.rowErrors());
        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/tables/instances/insertAll");
        assertEquals(2, inserts.size(), "the batch, then the two stopped rows again");
        assertEquals(List.of(RowInsertIds.of(rows.get(0)), RowInsertIds.of(rows.get(2))),
                inserts.get(1).list("rows").stream().map(r -> r.get("insertId")).toList());
        assertEquals(List.of("1.2.3.4.1", "1.2.3.4.3"),
                server.table("proj-a", "dicom", "instances").rows.stream().map(r -> r.get("SOPInstanceUID")).toList());
    }

    @Test
    void aBatchOverFiveMegabytesIsSplitAndRejectionsKeepTheirIndexInTheWholeBatch() throws Exception {
        addColumn(table, "NumberOfFrames", "INTEGER");
        Field big = Field.nullable("ImageComments", Field.Type.STRING);
        String text = "x".repeat(900_000);
        List<MetadataRow> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(TestRows.with(TestRows.row("1.2.3.4." + i, "INSERT", T1), big, text));
        }
        TestRows.with(rows.get(6), Field.nullable("NumberOfFrames", Field.Type.STRING), "many");

        PartialInsertException e = assertThrows(PartialInsertException.class, () -> delivery.insert(table, rows));

        assertEquals(List.of(6), List.copyOf(e.rowErrors().keySet()));
        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/tables/instances/insertAll");
        assertEquals(List.of(5, 2, 1), inserts.stream().map(c -> c.list("rows").size()).toList(),
                "5 rows of 0.9 MB, then the rest; the stopped row again");
        assertEquals(6, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void httpFailuresAreThrownAsTheyAreForTheCallersRetries() {
        server.failNextInsertAll(1, 503);
        BigQueryException e = assertThrows(BigQueryException.class,
                () -> delivery.insert(table, List.of(TestRows.row("1.2.3.4.1", "INSERT", T1))));
        assertEquals(503, e.getCode());
        assertTrue(server.table("proj-a", "dicom", "instances").rows.isEmpty());
    }

    @Test
    void aMissingDatasetIsNamedInTheError() {
        TableRef missing = TableRef.parse("bq://proj-b.nodataset.instances");
        Exception e = assertThrows(Exception.class,
                () -> delivery.insert(missing, List.of(TestRows.row("1.2.3.4.1", "INSERT", T1))));
        assertFalse(e instanceof PartialInsertException);
        assertTrue(e.getMessage().contains("dataset proj-b:nodataset does not exist"), e.getMessage());
    }

    @Test
    void anotherProjectsTableWithAnOddNameIsWrittenWithThatProjectsClient() throws Exception {
        TableRef other = TableRef.parse("bq://proj-b.dicom.ct scans-2024");
        delivery.insert(other, List.of(TestRows.row("1.2.3.4.1", "INSERT", T1)));
        assertEquals(1, server.calls("POST", "/projects/proj-b/datasets/dicom/tables/ct scans-2024/insertAll").size());
        assertEquals(1, server.table("proj-b", "dicom", "ct scans-2024").rows.size());
        assertTrue(server.table("proj-a", "dicom", "instances").rows.isEmpty());
    }

    @Test
    void aLoadsRowsHaveInsertIdsOfTheirOwnSoTheyAreNotDroppedAsCopies() throws Exception {
        MetadataRow row = TestRows.row("1.2.3.4.1", "INSERT", T1);
        delivery.insert(table, List.of(row));
        delivery.insert(table, List.of(row)); // a re-sent event: dropped
        assertEquals(1, server.table("proj-a", "dicom", "instances").rows.size());
        delivery.insert(table, List.of(row), "operations/export-1"); // an export appending it: kept
        delivery.insert(table, List.of(row), "operations/export-1"); // that export retrying: dropped
        assertEquals(2, server.table("proj-a", "dicom", "instances").rows.size());
    }

    @Test
    void aDestinationKeepsSeveralInsertAllsInFlightAndEveryRowLandsOnceOrFailsAlone() throws Exception {
        addColumn(table, "NumberOfFrames", "INTEGER");
        int inFlight = delivery.concurrentInserts();
        assertEquals(BigQueryWarehouse.DEFAULT_CONCURRENT_INSERTS, inFlight);
        // every insertAll waits until `inFlight` of them are open at once (as slow round trips
        // would leave them); the bound only stops a broken writer from hanging the test
        CountDownLatch open = new CountDownLatch(inFlight);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        server.beforeEachInsertAll(() -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            open.countDown();
            try {
                open.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
        });
        List<MetadataRow> rows = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            MetadataRow r = TestRows.row("1.2.3.9." + i, "INSERT", T1);
            rows.add(i % 30 == 17 ? TestRows.with(r, Field.nullable("NumberOfFrames", Field.Type.STRING), "many") : r);
        }
        Map<String, Throwable> outcome = new ConcurrentHashMap<>();
        try (io.dicombq.stream.Destinations destinations = new io.dicombq.stream.Destinations(delivery, "store", 6, 0)) {
            ExecutorService writers = Executors.newFixedThreadPool(rows.size());
            for (MetadataRow r : rows) { // one route thread per row, as the drop folder's threads
                writers.submit(() -> {
                    try {
                        destinations.write(table.uri(), r);
                        outcome.put(r.getString("SOPInstanceUID"), new Throwable("ok"));
                    } catch (Throwable e) { // an Error too, or the executor would swallow it unseen
                        outcome.put(r.getString("SOPInstanceUID"), e);
                    }
                });
            }
            writers.shutdown();
            assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));
        } finally {
            server.beforeEachInsertAll(null);
        }

        assertEquals(0, open.getCount(), inFlight + " insertAll requests were open together");
        assertEquals(inFlight, most.get());
        List<Object> landed = server.table("proj-a", "dicom", "instances").rows.stream()
                .map(r -> r.get("SOPInstanceUID")).toList();
        for (MetadataRow r : rows) {
            String uid = r.getString("SOPInstanceUID");
            boolean bad = r.values().containsKey("NumberOfFrames");
            if (bad) {
                assertTrue(outcome.get(uid) instanceof io.dicombq.stream.RowRejectedException, uid + ": " + outcome.get(uid));
                assertFalse(landed.contains(uid), uid);
            } else {
                Throwable o = outcome.get(uid);
                assertTrue(o != null && "ok".equals(o.getMessage()), uid + ": " + o);
                assertEquals(1, landed.stream().filter(uid::equals).count(), uid + " landed exactly once");
            }
        }
        assertEquals(rows.size() - 3, landed.size());
    }

    private void addColumn(TableRef t, String name, String type) {
        FakeBigQueryServer.FakeTable fake = server.table(t.project(), t.dataset(), t.table());
        List<Map<String, Object>> fields = new ArrayList<>(fake.fields);
        fields.add(Map.of("name", name, "type", type, "mode", "NULLABLE"));
        fake.replaceFields(fields);
    }

    private static Object asJson(Object value) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return json.readValue(json.writeValueAsBytes(value), Object.class);
    }
}
