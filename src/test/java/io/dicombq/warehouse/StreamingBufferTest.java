package io.dicombq.warehouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The buffer's own promises, with a loader that only records what it is given. */
class StreamingBufferTest {
    @TempDir
    Path dataDir;

    private final TableRef table = TableRef.parse("bq://local.dicom.instances");
    private final ReentrantLock catalog = new ReentrantLock();
    private final List<String> loaded = new CopyOnWriteArrayList<>();

    private long readWaitMillis;
    private long mergeBytes = 1L << 30;

    private StreamingBuffer buffer(long mergeMillis, CountDownLatch mergeMayFinish, CountDownLatch mergeStarted) {
        return new StreamingBuffer(dataDir, new StreamingBuffer.Loader() {
            @Override
            public Lock lockFor(TableRef t) {
                return catalog;
            }

            @Override
            public void load(TableRef t, Path journal) throws Exception {
                mergeStarted.countDown();
                assertTrue(mergeMayFinish.await(10, TimeUnit.SECONDS));
                loaded.addAll(Files.readAllLines(journal, StandardCharsets.UTF_8));
            }
        }, mergeMillis, mergeBytes, readWaitMillis);
    }

    /** A call that may throw, run on another thread. */
    private interface Call {
        void run() throws Exception;
    }

    private static CompletableFuture<Void> inBackground(Call call) {
        return CompletableFuture.runAsync(() -> {
            try {
                call.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aReadThatStartsWhileTheMergerIsLoadingWaitsForItsRows() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (StreamingBuffer buffer = buffer(1, finish, started)) {
            buffer.append(table, "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(started.await(10, TimeUnit.SECONDS), "the merger took the journal");

            CompletableFuture<Void> read = inBackground(buffer::mergeForRead);
            assertThrows(TimeoutException.class, () -> read.get(300, TimeUnit.MILLISECONDS),
                    "the row is not in the table yet: the read must wait");
            finish.countDown();
            read.get(10, TimeUnit.SECONDS);
            assertEquals(List.of("{\"n\":1}"), loaded, "loaded once, before the read went on");
        }
    }

    @Test
    void anAppendIsOnDiskWhenItReturnsAndWhatIsLeftOnCloseIsMerged() throws Exception {
        CountDownLatch open = new CountDownLatch(0);
        StreamingBuffer buffer = buffer(60_000, open, new CountDownLatch(1));
        buffer.append(table, "{\"n\":1}\n{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
        buffer.append(table, "{\"n\":3}\n".getBytes(StandardCharsets.UTF_8));
        Path journal = dataDir.resolve(".buffer/local/dicom/instances.ndjson");
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), Files.readAllLines(journal));
        assertEquals(List.of(), loaded, "nothing merged while nothing reads and the interval has not passed");

        buffer.close();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), loaded);
        assertTrue(Files.notExists(journal));
        assertThrows(IllegalStateException.class, () -> buffer.append(table, "{}\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJournalThatReachesTheMergeSizeIsMergedWithoutWaitingForTheInterval() throws Exception {
        mergeBytes = 16;
        CountDownLatch started = new CountDownLatch(1);
        try (StreamingBuffer buffer = buffer(600_000, new CountDownLatch(0), started)) {
            buffer.append(table, "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8)); // 8 bytes
            assertFalse(started.await(500, TimeUnit.MILLISECONDS), "below the size: the merger waits for the interval");
            buffer.append(table, "{\"n\":2}\n".getBytes(StandardCharsets.UTF_8)); // 16: full
            assertTrue(started.await(10, TimeUnit.SECONDS), "full: merged at once, not 10 minutes later");
            buffer.mergeForRead(); // returns once that merge has loaded both
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), loaded);

            // the count starts again from the merged journal: one more line is below the size
            buffer.append(table, "{\"n\":3}\n".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(500);
            assertEquals(2, loaded.size(), "8 bytes since the merge: no merge yet");
        }
    }

    @Test
    void readsSoonAfterAMergeWaitAndShareTheNextOne() throws Exception {
        readWaitMillis = 2_000; // far apart, so that a busy machine cannot blur "waits" and "does not"
        try (StreamingBuffer buffer = buffer(60_000, new CountDownLatch(0), new CountDownLatch(1))) {
            buffer.append(table, "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            buffer.mergeForRead();
            assertTrue(System.nanoTime() - start < 1_500_000_000L, "no merge for a while: the first read merges at once");
            assertEquals(List.of("{\"n\":1}"), loaded);

            buffer.append(table, "{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
            start = System.nanoTime();
            buffer.mergeForRead();
            assertTrue(System.nanoTime() - start >= 1_500_000_000L, "merged just now: the next read waits");
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), loaded, "and still sees the new row");

            start = System.nanoTime();
            buffer.mergeForRead();
            assertTrue(System.nanoTime() - start < 1_500_000_000L, "nothing buffered: a read never waits");
        }
    }

    @Test
    void aMergeNoReadAskedForDoesNotMakeTheNextReadWait() throws Exception {
        readWaitMillis = 2_000;
        try (StreamingBuffer buffer = buffer(60_000, new CountDownLatch(0), new CountDownLatch(1))) {
            buffer.append(table, "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
            buffer.mergeAll(); // as the merger does when the journal is due
            buffer.append(table, "{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            buffer.mergeForRead();
            assertTrue(System.nanoTime() - start < 1_500_000_000L, "the first read after a burst merges at once");
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), loaded);
        }
    }

    /** A line of about 1.1 MB: one fills a journal whose writers wait at 1 MB. */
    private static byte[] bigLine(int n) {
        return ("{\"n\":" + n + ",\"s\":\"" + "x".repeat(1_100_000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writersWaitWhileTheJournalIsFullAndGoOnOnceTheMergerTakesIt() throws Exception {
        mergeBytes = 64 * 1024; // its writers wait at 16 times this, and at least at 1 MB
        CountDownLatch finish = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (StreamingBuffer buffer = buffer(60_000, finish, started)) {
            assertEquals(1024 * 1024, buffer.backlogBytes());
            buffer.append(table, bigLine(1));
            assertTrue(started.await(10, TimeUnit.SECONDS), "full: the merger took the journal and is loading it");
            buffer.append(table, bigLine(2)); // a new journal: room for it

            CompletableFuture<Void> third = inBackground(() -> buffer.append(table, bigLine(3)));
            assertThrows(TimeoutException.class, () -> third.get(300, TimeUnit.MILLISECONDS),
                    "the journal holds 1.1 MB and the merger is busy: the writer waits");
            finish.countDown();
            third.get(10, TimeUnit.SECONDS);
            buffer.mergeForRead();
            assertEquals(3, loaded.size(), "every row in, none twice");
        }
    }

    @Test
    void aWriterGivesUpWithAClearErrorWhenMergesKeepFailing() throws Exception {
        CountDownLatch tried = new CountDownLatch(1);
        StreamingBuffer buffer = new StreamingBuffer(dataDir, new StreamingBuffer.Loader() {
            @Override
            public Lock lockFor(TableRef t) {
                return catalog;
            }

            @Override
            public void load(TableRef t, Path journal) {
                tried.countDown();
                throw new IllegalStateException("disk full");
            }
        }, 60_000, 64 * 1024, 0, 300);
        try {
            buffer.append(table, bigLine(1));
            assertTrue(tried.await(10, TimeUnit.SECONDS), "the merger tried");
            buffer.append(table, bigLine(2));
            IOException e = assertThrows(IOException.class, () -> buffer.append(table, bigLine(3)));
            assertTrue(e.getMessage().contains("no merge has taken it"), e.getMessage());
            Path dir = dataDir.resolve(".buffer/local/dicom");
            assertTrue(Files.size(dir.resolve("instances.ndjson")) > 1_000_000, "the second row is still on disk");
            assertTrue(Files.size(dir.resolve("instances.ndjson.merging")) > 1_000_000, "and the first");
        } finally {
            assertThrows(IllegalStateException.class, buffer::close, "closing tries the merge once more");
        }
    }
}
