package io.dicombq.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.dicombq.ops.Operations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;

@CamelMainTest(properties = {
        "dicom.store.dir=target/gcs-watched-test/store",
        "dicom.gcs.bucket=watched",
        "dicom.gcs.prefix=incoming/",
        "dicom.gcs.processed=processed/",
        "dicom.gcs.failed-prefix=failed/",
        "dicom.gcs.poll-delay=50"})
class GcsWatchedBucketTest {
    static final Storage STORAGE = LocalStorageHelper.customOptions(false).getService();
    final StreamInstanceStandIn standIn = new StreamInstanceStandIn(Path.of("target/gcs-watched-test/store"));

    @org.apache.camel.BeanInject
    CamelContext context;

    @Configure
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addRoutesBuilder(standIn);
    }

    @org.apache.camel.test.main.junit5.ReplaceInRegistry
    Storage gcsStorage = STORAGE;

    @org.apache.camel.test.main.junit5.ReplaceInRegistry
    Operations operations = new Operations("projects/p/locations/l/datasets/d/dicomStores/s");

    @Test
    void storesAndMovesDicomAndParksBadObjects() throws Exception {
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("ingest-gcs"));
        put("incoming/a/ct1.dcm", StreamInstanceStandIn.resource("ct1.dcm"), StorageClass.NEARLINE);
        put("incoming/ct2.dcm", StreamInstanceStandIn.resource("ct2.dcm"), null);
        put("incoming/notes.txt", "hello".getBytes(StandardCharsets.UTF_8), null);

        await(() -> get("processed/a/ct1.dcm") != null && get("processed/ct2.dcm") != null
                && get("failed/notes.txt.reason.txt") != null && get("failed/notes.txt") != null);

        assertNull(get("incoming/a/ct1.dcm"));
        assertNull(get("incoming/ct2.dcm"));
        assertNull(get("incoming/notes.txt"), "a bad object leaves the watched prefix");
        String reason = new String(get("failed/notes.txt.reason.txt").getContent(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("gs://watched/incoming/notes.txt"), reason);
        assertTrue(reason.contains("DICM"), reason);
        assertEquals("hello", new String(get("failed/notes.txt").getContent(), StandardCharsets.UTF_8));

        assertEquals(2, standIn.received.size());
        StreamInstanceStandIn.Received ct1 = standIn.received.stream()
                .filter(r -> "NEARLINE".equals(r.storageClass())).findFirst().orElseThrow();
        assertEquals("gcs", ct1.source());
        assertEquals(528L, ct1.blobSize());
        assertTrue(standIn.received.stream().anyMatch(r -> "STANDARD".equals(r.storageClass())));
    }

    @Test
    void internalFailureLeavesTheObjectAndItIsRetried() throws Exception {
        standIn.internalFailures.set(2);
        put("incoming/retry/ct1.dcm", StreamInstanceStandIn.resource("ct1.dcm"), null);
        await(() -> get("processed/retry/ct1.dcm") != null);
        assertNull(get("incoming/retry/ct1.dcm"));
        assertNull(get("failed/retry/ct1.dcm"), "an internal failure is not bad input");
        assertTrue(standIn.calls.get() >= 3, "two failed attempts, then the one that stored it");
    }

    private static void put(String name, byte[] content, StorageClass storageClass) {
        BlobInfo.Builder info = BlobInfo.newBuilder(BlobId.of("watched", name));
        if (storageClass != null) {
            info.setStorageClass(storageClass);
        }
        STORAGE.create(info.build(), content);
    }

    private static Blob get(String name) {
        return STORAGE.get(BlobId.of("watched", name));
    }

    /** Polls for the outcome; the generous limit only bounds a broken run, it does not decide a pass. */
    static void await(BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not done within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
