package io.dicombq.warehouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When {@link IdleCheckpoints} checkpoints a catalog: after a pause in its commits, with enough log. */
class IdleCheckpointsTest {
    @TempDir
    Path dir;

    final ReentrantLock lock = new ReentrantLock();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger checkpoints = new AtomicInteger();
    volatile int failFirst;

    IdleCheckpoints.Catalogs catalogs(Path wal) {
        return new IdleCheckpoints.Catalogs() {
            @Override
            public ReentrantLock lockOf(String project) {
                return lock;
            }

            @Override
            public Path walOf(String project) {
                return wal;
            }

            @Override
            public void checkpoint(String project) {
                assertTrue(lock.isHeldByCurrentThread(), "a checkpoint holds the catalog's lock");
                if (attempts.incrementAndGet() <= failFirst) {
                    throw new IllegalStateException("Cannot CHECKPOINT: there are other write transactions active");
                }
                checkpoints.incrementAndGet();
            }
        };
    }

    Path wal(int bytes) throws Exception {
        return Files.write(dir.resolve("p.duckdb.wal"), new byte[bytes]);
    }

    @Test
    void aLogLargeEnoughIsCheckpointedOnceAfterThePause() throws Exception {
        try (IdleCheckpoints idle = new IdleCheckpoints(catalogs(wal(2 << 20)), 1 << 20, 100)) {
            idle.committed("p");
            await(checkpoints::get, 1);
            Thread.sleep(400);
            assertEquals(1, checkpoints.get(), "no new commit, no new checkpoint");
            idle.committed("p");
            await(checkpoints::get, 2);
        }
    }

    @Test
    void aSmallLogIsLeftToDuckDb() throws Exception {
        try (IdleCheckpoints idle = new IdleCheckpoints(catalogs(wal(1000)), 1 << 20, 50)) {
            idle.committed("p");
            Thread.sleep(500);
            assertEquals(0, attempts.get());
        }
    }

    @Test
    void notWhileCommitsKeepComing() throws Exception {
        try (IdleCheckpoints idle = new IdleCheckpoints(catalogs(wal(2 << 20)), 1 << 20, 1000)) {
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                idle.committed("p");
                Thread.sleep(10);
            }
            assertEquals(0, attempts.get(), "commits every 10 ms are no pause of a second");
            await(checkpoints::get, 1);
        }
    }

    @Test
    void aBusyCatalogOrAFailedCheckpointIsTriedAgainLater() throws Exception {
        failFirst = 1;
        try (IdleCheckpoints idle = new IdleCheckpoints(catalogs(wal(2 << 20)), 1 << 20, 50)) {
            lock.lock(); // a batch is being committed
            try {
                idle.committed("p");
                Thread.sleep(300);
                assertEquals(0, attempts.get(), "skipped while the lock is held");
            } finally {
                lock.unlock();
            }
            await(checkpoints::get, 1);
            assertEquals(2, attempts.get(), "the failed attempt, then the one that worked");
        }
    }

    static void await(IntSupplier value, int expected) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (value.getAsInt() < expected && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(expected, value.getAsInt());
    }
}
