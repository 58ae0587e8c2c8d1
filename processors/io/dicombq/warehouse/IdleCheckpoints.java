package io.dicombq.warehouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Checkpoints a DuckDB file's write-ahead log in a pause: once its catalog has had no commit for
 * {@code idleMillis} and the log has reached {@code minBytes}. Left to itself, DuckDB checkpoints
 * inside the commit that takes the log past {@code checkpoint_threshold}, in the middle of a burst:
 * that commit takes as long as the checkpoint (~0.1 s per 2,000 new rows of the wide DICOM table,
 * more if DuckDB merges row groups, see {@link DuckDbWarehouse#maxVacuumTasks}), and the batches
 * and reads behind it wait. Done in a pause, the next burst starts with a
 * short log, and a restart after a crash replays less. A checkpoint holds the catalog's lock, as
 * a batch does, and is skipped while a batch or merge holds it.
 */
final class IdleCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdleCheckpoints.class);

    /** What the checkpoints need of the warehouse. */
    interface Catalogs {
        /** The lock every commit into the catalog holds. */
        ReentrantLock lockOf(String project);

        /** The catalog's write-ahead log file. */
        Path walOf(String project);

        /** {@code CHECKPOINT} of the catalog (its lock is held). */
        void checkpoint(String project) throws Exception;
    }

    private final Catalogs catalogs;
    private final long minBytes;
    private final long idleNanos;
    private final Map<String, Long> lastCommit = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    IdleCheckpoints(Catalogs catalogs, long minBytes, long idleMillis) {
        this.catalogs = catalogs;
        this.minBytes = minBytes;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "duckdb-idle-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(20, idleMillis / 4);
        timer.scheduleWithFixedDelay(this::checkIdle, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A commit into the catalog has just ended. */
    void committed(String project) {
        lastCommit.put(project, System.nanoTime());
    }

    private void checkIdle() {
        try {
            checkIdleCatalogs();
        } catch (RuntimeException e) { // keeps the timer running (an exception would cancel it)
            LOG.warn("Idle checkpoint check failed: {}", e.toString());
        }
    }

    private void checkIdleCatalogs() {
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : lastCommit.entrySet()) {
            String project = e.getKey();
            long at = e.getValue();
            if (now - at < idleNanos) {
                continue;
            }
            if (walSize(project) < minBytes) {
                lastCommit.remove(project, at); // the next commit brings it back
                continue;
            }
            ReentrantLock lock = catalogs.lockOf(project);
            if (!lock.tryLock()) {
                continue; // a batch or a merge is running: not idle after all
            }
            try {
                if (!lastCommit.remove(project, at)) {
                    continue; // a commit came in meanwhile
                }
                long t0 = System.nanoTime();
                catalogs.checkpoint(project);
                LOG.debug("Checkpointed catalog {} while idle in {} ms", project, (System.nanoTime() - t0) / 1_000_000);
            } catch (Exception ex) {
                // e.g. another connection's write transaction: try again at the next pause
                lastCommit.putIfAbsent(project, at);
                LOG.debug("Idle checkpoint of catalog {} postponed: {}", project, ex.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }

    private long walSize(String project) {
        try {
            return Files.size(catalogs.walOf(project));
        } catch (IOException noLog) { // NoSuchFileException when nothing is logged
            return 0;
        }
    }

    /** Stops the checks; a checkpoint already running finishes first. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        if (!timer.awaitTermination(60, TimeUnit.SECONDS)) {
            timer.shutdownNow();
        }
    }
}
