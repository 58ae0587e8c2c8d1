package io.dicombq.reliability;

import io.dicombq.testing.Await;
import io.dicombq.testing.Inbox;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A file dropped under the name of one still being streamed is a file of its own: it must be
 * streamed too, and each instance stored with its own bytes. (A delete by name once the first was
 * acknowledged removed the second unstreamed.)
 */
class SameNameDropTest {
    static final String TABLE = "bq://p.d.samename";
    @AutoClose
    InProcessBundle bundle;

    @Test
    void aFileDroppedUnderTheNameOfOneBeingStreamedIsStreamedToo() throws Exception {
        bundle = InProcessBundle.fresh("same-name", 18297, TABLE, Map.of(
                "dicom.retry.initial-delay-ms", "200",
                "dicom.retry.backoff-multiplier", "1",
                "dicom.retry.max-redeliveries", "1000"));
        // the destination is down, so the first file stays in flight as long as the test wants
        bundle.warehouse.down(TABLE);
        byte[] first = TestInstances.instance(8, 1);
        byte[] second = TestInstances.instance(8, 2);
        TestInstances.drop(bundle.inbox, "x.dcm", first);
        Await.until("the first file is being streamed", Duration.ofSeconds(10),
                () -> bundle.warehouse.failedInserts.get() > 0);

        TestInstances.drop(bundle.inbox, "x.dcm", second);
        Thread.sleep(1_000); // the second settles (300 ms) and several polls pass while the first waits
        bundle.warehouse.up(TABLE);

        Await.until("both instances streamed and the inbox empty", Duration.ofSeconds(20),
                () -> bundle.count("SELECT count(*) FROM p.d.samename_view") == 2
                        && Inbox.pending(bundle.inbox).isEmpty());
        assertEquals(2, bundle.count("SELECT count(*) FROM p.d.samename"), "one row each, no more");
        assertArrayEquals(first, Files.readAllBytes(stored(bundle.root, TestInstances.sop(8, 1))));
        assertArrayEquals(second, Files.readAllBytes(stored(bundle.root, TestInstances.sop(8, 2))));
    }

    private static Path stored(Path root, String sop) throws Exception {
        try (Stream<Path> walk = Files.walk(root.resolve("store/studies"))) {
            return walk.filter(p -> p.getFileName().toString().equals(sop + ".dcm")).findFirst()
                    .orElseThrow(() -> new AssertionError(sop + " is not in the store"));
        }
    }
}
