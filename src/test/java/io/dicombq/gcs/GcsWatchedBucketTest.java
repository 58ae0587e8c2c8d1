package io.dicombq.gcs;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import static io.dicombq.gcs.GcsTestObjects.TABLE;
import static io.dicombq.gcs.GcsTestObjects.instance;
import static io.dicombq.gcs.GcsTestObjects.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.Test;

/**
 * The whole bundle watching a bucket (LocalStorageHelper, listing in pages of two like the real
 * service would with {@code dicom.gcs.page-size=2}): objects become rows in the embedded warehouse
 * and leave the watched prefix only after that.
 */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/gcs-watched/inbox",
        "dicom.store.dir=target/it/gcs-watched/store",
        "dicom.data=target/it/gcs-watched/data",
        "camel.server.port=18191",
        "camel.management.port=18191",
        "dicom.retry.initial-delay-ms=50",
        "dicom.gcs.bucket=watched",
        "dicom.gcs.page-size=2",
        "dicom.gcs.poll-delay=50"},
        advices = @AdviceRouteMapping(route = "stream-instance", advice = StreamInstanceFaults.Advice.class))
class GcsWatchedBucketTest {
    static final Path ROOT = Path.of("target/it/gcs-watched");
    static final PagingStorage BUCKETS = new PagingStorage();
    static final String SOP = "1.2.826.0.1.3680043.10.1234.3.1";

    /** A download a crash cut short two hours ago: removed when the bundle starts. */
    static final Path ORPHAN = ROOT.resolve("store/.incoming/gcs-123456.part");

    static {
        TestDirs.deleteRecursively(ROOT);
        try {
            Files.createDirectories(ORPHAN.getParent());
            Files.writeString(ORPHAN, "partial download");
            Files.setLastModifiedTime(ORPHAN, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ReplaceInRegistry
    Storage gcsStorage = BUCKETS.storage;

    @ReplaceInRegistry
    StreamInstanceFaults streamInstanceFaults = new StreamInstanceFaults();

    @org.apache.camel.BeanInject
    CamelContext context;

    @Test
    void objectsBecomeRowsAndMoveToProcessedBadOnesToFailed() throws Exception {
        assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("ingest-gcs"));
        assertFalse(Files.exists(ORPHAN), "an unfinished download from before the start is removed");
        byte[] a = instance(SOP + ".1");
        byte[] b = instance(SOP + ".2");
        byte[] c = instance(SOP + ".3");
        put("incoming/a/one.dcm", a, StorageClass.NEARLINE);
        put("incoming/b/two.dcm", b, null);
        put("incoming/c/three.dcm", c, StorageClass.ARCHIVE);
        put("incoming/notes.txt", "hello".getBytes(StandardCharsets.UTF_8), null);
        List<String> sops = List.of(SOP + ".1", SOP + ".2", SOP + ".3");
        long continuedBefore = BUCKETS.continuedListCalls();

        // a move is a copy and then a delete: wait for both halves
        Await.until(() -> rows(context, TABLE, sops).size() == 3
                && moved("incoming/a/one.dcm", "processed/a/one.dcm")
                && moved("incoming/b/two.dcm", "processed/b/two.dcm")
                && moved("incoming/c/three.dcm", "processed/c/three.dcm")
                && moved("incoming/notes.txt", "failed/notes.txt"));

        // the rows carry the object's class and size
        List<Map<String, Object>> view = rows(context, TABLE + "_view", sops);
        assertEquals(3, view.size());
        assertRow(view.get(0), SOP + ".1", "NEARLINE", a.length);
        assertRow(view.get(1), SOP + ".2", "STANDARD", b.length);
        assertRow(view.get(2), SOP + ".3", "ARCHIVE", c.length);
        assertEquals("Test", view.get(0).get("family"));

        // each object left the watched prefix unchanged
        assertEquals(a.length, get("processed/a/one.dcm").getContent().length);

        // the instances are in the store
        assertTrue(Files.exists(ROOT.resolve("store/studies/" + GcsTestObjects.STUDY + "/series/"
                + "1.2.826.0.1.3680043.10.1234.2/instances/" + SOP + ".1.dcm")));

        // bad input is kept with its reason and never becomes a row
        String reason = new String(get("failed/notes.txt.reason.txt").getContent(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("gs://watched/incoming/notes.txt"), reason);
        assertTrue(reason.contains("reason: "), reason);
        assertEquals("hello", new String(get("failed/notes.txt").getContent(), StandardCharsets.UTF_8));

        // four objects in pages of two: the consumer followed the service's page tokens
        assertTrue(BUCKETS.continuedListCalls() > continuedBefore, "a page after the first was read");
        assertTrue(BUCKETS.listCalls.stream().allMatch(call -> call.names().size() <= 2), "pages of two");
        assertNoTempFilesLeft();
    }

    @Test
    void anOutageLeavesTheObjectWhereItIsAndItIsRetried() throws Exception {
        streamInstanceFaults.outages.set(2);
        byte[] content = instance(SOP + ".10");
        put("incoming/retry/ct.dcm", content, null);

        Await.until(() -> moved("incoming/retry/ct.dcm", "processed/retry/ct.dcm"));
        assertNull(get("failed/retry/ct.dcm"), "an internal failure is not bad input");
        assertNull(get("failed/retry/ct.dcm.reason.txt"));
        assertEquals(3, streamInstanceFaults.calls.get(), "two failed attempts, then the one that stored it");
        assertEquals(1, rows(context, TABLE, List.of(SOP + ".10")).size(), "one row: the failed attempts wrote none");
        assertNoTempFilesLeft();
    }

    /**
     * Objects that keep failing stay in the bucket; with one page of two per poll they would hide
     * everything behind them if the consumer always listed from the start. It continues with the next
     * page instead, so the later objects are streamed while the first page keeps failing.
     */
    @Test
    void objectsThatKeepFailingDoNotStarveTheOnesBehindThem() throws Exception {
        streamInstanceFaults.alwaysFailing.add("/stuck-");
        put("incoming/0/stuck-1.dcm", instance(SOP + ".20"), null);
        put("incoming/0/stuck-2.dcm", instance(SOP + ".21"), null);
        put("incoming/1/later-1.dcm", instance(SOP + ".22"), null);
        put("incoming/1/later-2.dcm", instance(SOP + ".23"), null);
        put("incoming/1/later-3.dcm", instance(SOP + ".24"), null);

        Await.until(() -> moved("incoming/1/later-1.dcm", "processed/1/later-1.dcm")
                && moved("incoming/1/later-2.dcm", "processed/1/later-2.dcm")
                && moved("incoming/1/later-3.dcm", "processed/1/later-3.dcm"));
        assertEquals(3, rows(context, TABLE, List.of(SOP + ".22", SOP + ".23", SOP + ".24")).size());

        // the failing ones are still there, polled again (after the last page the listing starts over)
        assertNotNull(get("incoming/0/stuck-1.dcm"));
        assertNotNull(get("incoming/0/stuck-2.dcm"));
        int callsSoFar = streamInstanceFaults.calls.get();
        Await.until(() -> streamInstanceFaults.calls.get() > callsSoFar + 2);
        assertTrue(rows(context, TABLE, List.of(SOP + ".20", SOP + ".21")).isEmpty());

        // once the failure is gone they go through like the rest
        streamInstanceFaults.alwaysFailing.clear();
        Await.until(() -> moved("incoming/0/stuck-1.dcm", "processed/0/stuck-1.dcm")
                && moved("incoming/0/stuck-2.dcm", "processed/0/stuck-2.dcm"));
        assertEquals(2, rows(context, TABLE, List.of(SOP + ".20", SOP + ".21")).size());
    }

    private static void assertRow(Map<String, Object> row, String sop, String storageClass, long size) {
        assertEquals(sop, row.get("SOPInstanceUID"));
        assertEquals("INSERT", row.get("Type"));
        assertEquals(storageClass, row.get("StorageClass"));
        assertEquals(size, ((Number) row.get("BlobStorageSize")).longValue());
    }

    private static void assertNoTempFilesLeft() throws Exception {
        Path incoming = ROOT.resolve("store/.incoming");
        try (var files = Files.list(incoming)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("gcs-")).toList());
        }
    }

    private static boolean moved(String from, String to) {
        return get(to) != null && get(from) == null;
    }

    private static void put(String name, byte[] content, StorageClass storageClass) {
        GcsTestObjects.put(BUCKETS.storage, "watched", name, content, storageClass);
    }

    private static Blob get(String name) {
        return GcsTestObjects.get(BUCKETS.storage, "watched", name);
    }
}
