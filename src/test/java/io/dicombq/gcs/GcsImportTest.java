package io.dicombq.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.dicombq.ops.Operation;
import io.dicombq.ops.Operations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code direct:import} with the real google-cloud-storage client on LocalStorageHelper. */
@CamelMainTest(properties = {"dicom.store.dir=target/gcs-import-test/store"})
class GcsImportTest {
    static final Storage STORAGE = LocalStorageHelper.customOptions(false).getService();
    final StreamInstanceStandIn standIn = new StreamInstanceStandIn(Path.of("target/gcs-import-test/store"));

    @ReplaceInRegistry
    Storage gcsStorage = STORAGE;

    @ReplaceInRegistry
    Operations operations = new Operations("projects/p/locations/l/datasets/d/dicomStores/s");

    @org.apache.camel.BeanInject
    ProducerTemplate template;

    @Configure
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addRoutesBuilder(standIn);
    }

    @BeforeAll
    static void upload() throws Exception {
        put("studies/a/1.dcm", StreamInstanceStandIn.resource("ct1.dcm"), StorageClass.ARCHIVE);
        put("studies/a/2.dcm", StreamInstanceStandIn.resource("ct2.dcm"), null);
        put("studies/b/1.dcm", StreamInstanceStandIn.resource("ct1.dcm"), null);
        put("studies/b/readme.txt", "not dicom".getBytes(StandardCharsets.UTF_8), null);
        put("other/3.dcm", StreamInstanceStandIn.resource("ct2.dcm"), null);
    }

    @Test
    void doubleStarImportsAcrossFoldersAndListsFailures() throws Exception {
        Operation op = importAndWait("gs://archive/studies/**");
        assertEquals(3, op.success());
        assertEquals(1, op.failure());
        assertEquals(0, op.pending());
        assertEquals(1, op.errors().size());
        assertTrue(op.errors().get(0).startsWith("gs://archive/studies/b/readme.txt: "), op.errors().get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) op.toJson().get("error");
        assertNotNull(error, "item failures show in the finished operation");
    }

    @Test
    void doubleStarWithSuffix() throws Exception {
        Operation op = importAndWait("gs://archive/**.dcm");
        assertEquals(4, op.success());
        assertEquals(0, op.failure());
        assertEquals(Boolean.TRUE, op.toJson().get("done"));
        assertNotNull(op.toJson().get("response"));
    }

    @Test
    void singleStarMatchesOneSegment() throws Exception {
        assertEquals(2, importAndWait("gs://archive/studies/*/1.dcm").success());
        assertEquals(0, importAndWait("gs://archive/studies/*.dcm").success(), "* does not cross /");
    }

    @Test
    void questionMarkMatchesOneCharacter() throws Exception {
        int before = standIn.received.size();
        Operation op = importAndWait("gs://archive/studies/a/?.dcm");
        assertEquals(2, op.success());
        List<StreamInstanceStandIn.Received> got = standIn.received.subList(before, standIn.received.size());
        assertTrue(got.stream().allMatch(r -> "import".equals(r.source())));
        assertTrue(got.stream().anyMatch(r -> "ARCHIVE".equals(r.storageClass()) && r.blobSize() == 528L));
    }

    @Test
    void emptyMatchFinishesWithNothingDone() throws Exception {
        Operation op = importAndWait("gs://archive/nothing-here/**");
        assertTrue(op.isDone());
        assertEquals(0, op.success() + op.failure() + op.pending());
        assertNotNull(op.toJson().get("response"));
    }

    @Test
    void countersMoveWhileItRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        standIn.gate = gate;
        try {
            Operation op = start("gs://archive/studies/a/*.dcm");
            assertTrue(standIn.reached.await(30, TimeUnit.SECONDS));
            // the first object is inside stream-instance: listed, none finished yet
            assertFalse(op.isDone());
            assertEquals(2, op.pending());
            assertEquals(0, op.success());
            assertFalse(op.toJson().containsKey("done"));
            gate.countDown();
            awaitDone(op);
            assertEquals(2, op.success());
            assertEquals(0, op.pending());
        } finally {
            standIn.gate = null;
            gate.countDown();
        }
    }

    @Test
    void badRequestsNameTheField() {
        for (String body : new String[] {"{}", "{\"gcsSource\":{\"uri\":\"http://x/y\"}}", "not json"}) {
            CamelExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(CamelExecutionException.class,
                    () -> template.requestBody("direct:import", body));
            assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("gcsSource") || e.getCause().getMessage().contains("JSON"),
                    e.getCause().getMessage());
        }
    }

    private Operation start(String uri) {
        return template.requestBody("direct:import", "{\"gcsSource\":{\"uri\":\"" + uri + "\"}}", Operation.class);
    }

    private Operation importAndWait(String uri) throws Exception {
        Operation op = start(uri);
        assertTrue(op.name().startsWith("projects/p/locations/l/datasets/d/operations/"), op.name());
        awaitDone(op);
        return op;
    }

    private static void awaitDone(Operation op) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!op.isDone()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("operation not done within 30 s");
            }
            Thread.sleep(10);
        }
    }

    private static void put(String name, byte[] content, StorageClass storageClass) {
        BlobInfo.Builder info = BlobInfo.newBuilder(BlobId.of("archive", name));
        if (storageClass != null) {
            info.setStorageClass(storageClass);
        }
        STORAGE.create(info.build(), content);
    }
}
