package io.dicombq.stream;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.PartialInsertException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group commit with several flushers: batches in flight at once, every row in exactly one
 * batch, answered by its own batch's outcome. No timing decides a result: a latch holds every
 * insert until the expected number are in flight together.
 */
class BatchWriterTest {

    /** Records each row it takes; each insert waits until {@code holdUntil} inserts have begun. */
    static final class HoldingSink implements BatchWriter.Sink {
        final CountDownLatch arrived;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final Map<String, Integer> stored = new ConcurrentHashMap<>();
        final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        HoldingSink(int holdUntil) {
            arrived = new CountDownLatch(holdUntil);
        }

        @Override
        public void insert(List<MetadataRow> rows) throws Exception {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                arrived.countDown();
                // a bound for a broken writer only: with enough flushers the latch opens at once
                arrived.await(30, TimeUnit.SECONDS);
                batchSizes.add(rows.size());
                // the Sink contract (CamelBigQueryDelivery's): rejected rows are named, the others landed
                Map<Integer, String> rejected = new HashMap<>();
                for (int i = 0; i < rows.size(); i++) {
                    String uid = rows.get(i).getString("SOPInstanceUID");
                    if (uid.startsWith("bad")) {
                        rejected.put(i, "no such field: Bad" + uid);
                    } else {
                        stored.merge(uid, 1, Integer::sum);
                    }
                }
                if (!rejected.isEmpty()) {
                    throw new PartialInsertException("rejected " + rejected.size(), rejected);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    static MetadataRow row(String uid) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("SOPInstanceUID", uid);
        return new MetadataRow(values, new Schema());
    }

    /** Writes each uid from its own thread (as route threads do); the outcome of each write. */
    static Map<String, Throwable> writeAll(BatchWriter writer, List<String> uids) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(uids.size());
        try {
            Map<String, Future<?>> futures = new LinkedHashMap<>();
            for (String uid : uids) {
                futures.put(uid, pool.submit(() -> {
                    writer.write(row(uid));
                    return null;
                }));
            }
            Map<String, Throwable> outcome = new LinkedHashMap<>();
            for (Map.Entry<String, Future<?>> f : futures.entrySet()) {
                try {
                    f.getValue().get(60, TimeUnit.SECONDS);
                    outcome.put(f.getKey(), null);
                } catch (java.util.concurrent.ExecutionException e) {
                    outcome.put(f.getKey(), e.getCause());
                }
            }
            return outcome;
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> uids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void severalFlushersKeepSeveralBatchesInFlightAndStoreEveryRowOnce() throws Exception {
        HoldingSink sink = new HoldingSink(4);
        List<String> uids = uids("1.2.", 60);
        try (BatchWriter writer = new BatchWriter("t", sink, 5, 0, 4)) {
            Map<String, Throwable> outcome = writeAll(writer, uids);
            outcome.forEach((uid, error) -> assertNull(error, uid));
        }
        assertEquals(0, sink.arrived.getCount(), "four inserts were in flight together");
        assertEquals(4, sink.maxInFlight.get());
        assertEquals(uids.size(), sink.stored.size());
        sink.stored.forEach((uid, times) -> assertEquals(1, times, uid));
        sink.batchSizes.forEach(size -> assertTrue(size <= 5, "batch of " + size));
    }

    @Test
    void aRejectedRowFailsAloneWhileTheOtherBatchesLand() throws Exception {
        HoldingSink sink = new HoldingSink(3);
        List<String> uids = new ArrayList<>(uids("1.2.", 40));
        uids.add(7, "bad-a");
        uids.add(23, "bad-b");
        try (BatchWriter writer = new BatchWriter("t", sink, 8, 0, 3)) {
            Map<String, Throwable> outcome = writeAll(writer, uids);
            for (Map.Entry<String, Throwable> e : outcome.entrySet()) {
                if (e.getKey().startsWith("bad")) {
                    RowRejectedException rejected = assertInstanceOf(RowRejectedException.class, e.getValue());
                    assertTrue(rejected.getMessage().contains("no such field: Bad" + e.getKey()), rejected.getMessage());
                } else {
                    assertNull(e.getValue(), e.getKey());
                }
            }
        }
        assertEquals(3, sink.maxInFlight.get());
        // every good row landed once: the bad rows' batch-mates were not sent again one by one
        assertEquals(uids.size() - 2, sink.stored.size());
        sink.stored.forEach((uid, times) -> assertEquals(1, times, uid));
        assertTrue(sink.stored.keySet().stream().noneMatch(u -> u.startsWith("bad")));
    }

    @Test
    void oneFlusherCommitsOneBatchAtATime() throws Exception {
        HoldingSink sink = new HoldingSink(1);
        List<String> uids = uids("1.3.", 30);
        try (BatchWriter writer = new BatchWriter("t", sink, 4, 0)) {
            writeAll(writer, uids).forEach((uid, error) -> assertNull(error, uid));
        }
        assertEquals(1, sink.maxInFlight.get());
        assertEquals(uids.size(), sink.stored.size());
    }
}
