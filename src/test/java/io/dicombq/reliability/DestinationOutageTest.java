package io.dicombq.reliability;

import io.dicombq.testing.Await;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One destination down must not slow the others: its retries wait on a timer, not on the
 * drop folder's threads. The dropped files stay in the inbox until the down destination has
 * the rows too (or dead-lettered them).
 */
class DestinationOutageTest {
    static final String UP = "bq://p.d.up";
    static final String DOWN = "bq://p.d.down";
    @AutoClose
    InProcessBundle bundle;

    @Test
    void theOtherDestinationGetsEveryRowWhileOneRetriesAndTheRetriesThenDeliver() throws Exception {
        bundle = InProcessBundle.fresh("outage", 18291, UP + "," + DOWN, Map.of(
                // far more files than ingest threads, and a first retry long after the others are done
                "dicom.inbox.threads", "2",
                "dicom.retry.max-redeliveries", "3",
                "dicom.retry.initial-delay-ms", "10000",
                "dicom.retry.backoff-multiplier", "1"));
        bundle.warehouse.down(DOWN);
        int n = 150;
        for (int i = 0; i < n; i++) {
            TestInstances.drop(bundle.inbox, "f" + i + ".dcm", TestInstances.instance(1, i));
        }

        // with blocking retries two threads would carry two files per 10 s; here all of them arrive at once
        Await.until("every row in the healthy destination", Duration.ofSeconds(8),
                () -> bundle.count("SELECT count(*) FROM p.d.up") == n);
        assertEquals(0, bundle.count("SELECT count(*) FROM p.d.down"));
        // not acknowledged yet: the down destination neither has the rows nor dead-lettered them
        assertEquals(n, TestInstances.inboxFiles(bundle.inbox).size());
        assertTrue(bundle.monitor.failing().containsKey(DOWN));

        bundle.warehouse.up(DOWN);
        Await.until("the retries deliver and the inbox empties", Duration.ofSeconds(30),
                () -> bundle.count("SELECT count(*) FROM p.d.down") == n
                        && TestInstances.inboxFiles(bundle.inbox).isEmpty());
        assertEquals(n, bundle.count("SELECT count(*) FROM p.d.up"), "no row sent twice to the healthy one");
        assertEquals(0, bundle.deadLetters.pending(DOWN));
        assertFalse(bundle.monitor.failing().containsKey(DOWN), "a success ends the failing run");
    }
}
