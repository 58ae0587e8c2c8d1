package io.dicombq.gcs;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import static io.dicombq.gcs.GcsTestObjects.TABLE;
import static io.dicombq.gcs.GcsTestObjects.instance;
import static io.dicombq.gcs.GcsTestObjects.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.Storage;
import io.dicombq.ops.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code direct:import} on the whole bundle: objects from LocalStorageHelper (listed in pages of two)
 * go through the real stream-instance route into the embedded warehouse.
 */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/gcs-import/inbox",
        "dicom.store.dir=target/it/gcs-import/store",
        "dicom.data=target/it/gcs-import/data",
        "camel.server.port=18192",
        "camel.management.port=18192",
        "dicom.retry.initial-delay-ms=50",
        "dicom.gcs.import.page-size=2"},
        advices = @AdviceRouteMapping(route = "stream-instance", advice = StreamInstanceFaults.Advice.class))
class GcsImportTest {
    static final Path ROOT = Path.of("target/it/gcs-import");
    static final PagingStorage BUCKETS = new PagingStorage();
    static final String SOP = "1.2.826.0.1.3680043.10.1234.4.";
    static final byte[] A1 = instance(SOP + "1");
    static final byte[] A2 = instance(SOP + "2");
    static final byte[] B1 = instance(SOP + "3");
    static final byte[] OTHER = instance(SOP + "4");
    static final List<String> ALL = List.of(SOP + "1", SOP + "2", SOP + "3", SOP + "4");

    static {
        TestDirs.deleteRecursively(ROOT);
    }

    @ReplaceInRegistry
    Storage gcsStorage = BUCKETS.storage;

    @ReplaceInRegistry
    StreamInstanceFaults streamInstanceFaults = new StreamInstanceFaults();

    @org.apache.camel.BeanInject
    CamelContext context;

    @org.apache.camel.BeanInject
    ProducerTemplate template;

    @BeforeAll
    static void upload() {
        put("studies/a/1.dcm", A1, StorageClass.ARCHIVE);
        put("studies/a/2.dcm", A2, null);
        put("studies/b/1.dcm", B1, StorageClass.COLDLINE);
        put("studies/b/readme.txt", "not dicom".getBytes(StandardCharsets.UTF_8), null);
        put("other/3.dcm", OTHER, null);
    }

    @Test
    void doubleStarImportsAcrossFoldersAndListsFailures() throws Exception {
        long before = tableRows();
        Operation op = importAndWait("gs://archive/studies/**");
        assertEquals(3, op.success());
        assertEquals(1, op.failure());
        assertEquals(0, op.pending());
        assertEquals(1, op.errors().size());
        assertTrue(op.errors().get(0).startsWith("gs://archive/studies/b/readme.txt: "), op.errors().get(0));
        assertNotNull(op.toJson().get("error"), "item failures show in the finished operation");
        assertEquals(before + 3, tableRows(), "one row per stored object");

        // other/3.dcm is outside the pattern: success 3 and 3 new rows above say it was not imported
        List<Map<String, Object>> view = rows(context, TABLE + "_view", ALL.subList(0, 3));
        assertEquals(3, view.size());
        assertRow(view.get(0), SOP + "1", "ARCHIVE", A1.length);
        assertRow(view.get(1), SOP + "2", "STANDARD", A2.length);
        assertRow(view.get(2), SOP + "3", "COLDLINE", B1.length);
        // an import copies: the source objects stay
        assertNotNull(GcsTestObjects.get(BUCKETS.storage, "archive", "studies/a/1.dcm"));
        assertNoTempFilesLeft();
    }

    /** Five objects in pages of two: the importer reads all three pages. */
    @Test
    void doubleStarWithSuffixReadsEveryPage() throws Exception {
        long before = tableRows();
        long continuedBefore = BUCKETS.continuedListCalls();
        Operation op = importAndWait("gs://archive/**.dcm");
        assertEquals(4, op.success());
        assertEquals(0, op.failure());
        assertEquals(Boolean.TRUE, op.toJson().get("done"));
        assertNotNull(op.toJson().get("response"));
        assertEquals(before + 4, tableRows());
        assertEquals(4, rows(context, TABLE + "_view", ALL).size());
        assertEquals(2, BUCKETS.continuedListCalls() - continuedBefore, "pages two and three");
        assertTrue(BUCKETS.listCalls.stream().allMatch(call -> call.names().size() <= 2), "pages of two");
    }

    @Test
    void singleStarMatchesOneSegment() throws Exception {
        assertEquals(2, importAndWait("gs://archive/studies/*/1.dcm").success());
        assertEquals(0, importAndWait("gs://archive/studies/*.dcm").success(), "* does not cross /");
    }

    @Test
    void questionMarkMatchesOneCharacter() throws Exception {
        long before = tableRows();
        Operation op = importAndWait("gs://archive/studies/a/?.dcm");
        assertEquals(2, op.success());
        assertEquals(before + 2, tableRows());
    }

    @Test
    void emptyMatchFinishesWithNothingDone() throws Exception {
        Operation op = importAndWait("gs://archive/nothing-here/**");
        assertTrue(op.isDone());
        assertEquals(0, op.success() + op.failure() + op.pending());
        assertNotNull(op.toJson().get("response"));
    }

    @Test
    void anOutageIsCountedAsAFailureAndTheRestGoesOn() throws Exception {
        streamInstanceFaults.outages.set(1);
        Operation op = importAndWait("gs://archive/studies/a/*.dcm");
        assertEquals(1, op.success());
        assertEquals(1, op.failure());
        assertTrue(op.errors().get(0).contains("simulated store outage"), op.errors().get(0));
        assertNoTempFilesLeft();
    }

    @Test
    void countersMoveWhileItRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        streamInstanceFaults.gate = gate;
        try {
            Operation op = start("gs://archive/studies/a/*.dcm");
            assertTrue(streamInstanceFaults.reached.await(30, TimeUnit.SECONDS));
            // the first object is inside stream-instance: both listed, none finished yet
            assertFalse(op.isDone());
            assertEquals(2, op.pending());
            assertEquals(0, op.success());
            assertFalse(op.toJson().containsKey("done"));
            gate.countDown();
            awaitDone(op);
            assertEquals(2, op.success());
            assertEquals(0, op.pending());
        } finally {
            gate.countDown();
        }
    }

    @Test
    void badRequestsNameTheField() {
        assertEquals(ServiceStatus.Stopped, context.getRouteController().getRouteStatus("ingest-gcs"),
                "no bucket is watched unless dicom.gcs.bucket is set");
        for (String body : new String[] {"{}", "{\"gcsSource\":{\"uri\":\"http://x/y\"}}", "not json"}) {
            CamelExecutionException e = assertThrows(CamelExecutionException.class,
                    () -> template.requestBody("direct:import", body));
            assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("gcsSource") || e.getCause().getMessage().contains("JSON"),
                    e.getCause().getMessage());
        }
    }

    private long tableRows() throws Exception {
        try {
            return ((Number) GcsTestObjects.warehouse(context).query("SELECT count(*) AS n FROM " + TABLE)
                    .get(0).get("n")).longValue();
        } catch (Exception e) {
            if (String.valueOf(e.getMessage()).contains("does not exist")) {
                return 0; // nothing streamed yet
            }
            throw e;
        }
    }

    private static void assertRow(Map<String, Object> row, String sop, String storageClass, long size) {
        assertEquals(sop, row.get("SOPInstanceUID"));
        assertEquals("INSERT", row.get("Type"));
        assertEquals(storageClass, row.get("StorageClass"));
        assertEquals(size, ((Number) row.get("BlobStorageSize")).longValue());
    }

    private static void assertNoTempFilesLeft() throws Exception {
        try (var files = Files.list(ROOT.resolve("store/.incoming"))) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("gcs-")).toList());
        }
    }

    private Operation start(String uri) {
        return template.requestBody("direct:import", "{\"gcsSource\":{\"uri\":\"" + uri + "\"}}", Operation.class);
    }

    private Operation importAndWait(String uri) throws Exception {
        Operation op = start(uri);
        assertTrue(op.name().startsWith("projects/local/locations/local/datasets/local/operations/"), op.name());
        awaitDone(op);
        return op;
    }

    private static void awaitDone(Operation op) throws Exception {
        Await.until(op::isDone);
    }

    private static void put(String name, byte[] content, StorageClass storageClass) {
        GcsTestObjects.put(BUCKETS.storage, "archive", name, content, storageClass);
    }
}
