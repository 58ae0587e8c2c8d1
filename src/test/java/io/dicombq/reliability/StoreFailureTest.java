package io.dicombq.reliability;

import io.dicombq.testing.Await;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A failure that is not the dropped file's fault (here the store cannot make its folders) must
 * neither reject the file nor lose it: it stays in the inbox, is tried again on later polls,
 * and is streamed once the store works again.
 */
class StoreFailureTest {
    @AutoClose
    InProcessBundle bundle;

    @Test
    void aFileTheStoreCannotKeepStaysInTheInboxUntilItCan() throws Exception {
        bundle = InProcessBundle.fresh("store-failure", 18296, "bq://p.d.storefail", Map.of());
        // the store's studies folder becomes a plain file: no instance can be placed under it
        Path studies = bundle.root.resolve("store/studies");
        Files.delete(studies);
        Files.writeString(studies, "in the way");
        TestInstances.drop(bundle.inbox, "a.dcm", TestInstances.instance(7, 1));

        // several polls (every 100 ms, once 300 ms old) later it is still there, and not rejected
        Thread.sleep(2_000);
        assertEquals(1, TestInstances.inboxFiles(bundle.inbox).size());
        assertFalse(Files.exists(bundle.inbox.resolve(".failed/a.dcm")));

        Files.delete(studies);
        Await.until("the file is streamed once the store works", Duration.ofSeconds(20),
                () -> TestInstances.inboxFiles(bundle.inbox).isEmpty()
                        && bundle.count("SELECT count(*) FROM p.d.storefail_view") == 1);
        assertFalse(Files.exists(bundle.inbox.resolve(".failed/a.dcm")));
    }
}
