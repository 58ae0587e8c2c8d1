package io.dicombq.bench;

import io.dicombq.row.MetadataRow;
import io.dicombq.store.DicomStore;
import io.dicombq.stream.InstanceIntake;
import io.dicombq.warehouse.DuckDbWarehouse;
import io.dicombq.warehouse.RejectedRows;
import io.dicombq.warehouse.TableRef;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * (b)'s floor: the CPU per dropped file of the work the design itself asks for, done by the
 * bundle's own classes in a plain loop, with no Camel, no thread hand-offs, no metrics and no
 * polling. Per file, on every core: the claim (a rename in the inbox, as {@code InboxClaims}
 * does), {@link InstanceIntake#store} (the header parsed and mapped, which is all of (a), the UIDs
 * checked, the row-size check, the hard link into the store and the series index record) and the
 * release (the claim unlinked). Then the rows into a fresh embedded warehouse on one thread, as
 * its writer does, in commits of 4,096 rows straight into the table (the cheapest commit size
 * measured, BENCHMARKS.md, "Twenty-first round", 1; the bundle's merges are smaller).
 *
 * <p>The drop folder can be no cheaper than this total, so half the parse-only rate, (b) &ge; ½ (a),
 * needs this total to stay within twice (a)'s CPU per instance.
 */
final class DesignFloor {
    /** Rows per commit: two DuckDB vectors. */
    static final int COMMIT_ROWS = 4096;

    record Result(double filesMicros, double loadMicros) {
        double totalMicros() {
            return filesMicros + loadMicros;
        }
    }

    private final Path dir;
    private final Path retired;
    private int round;

    DesignFloor(Path dir, Path retired) {
        this.dir = dir;
        this.retired = retired;
    }

    /** The files are copied into an inbox of their own first (untimed); each call uses fresh folders. */
    Result measure(List<Path> files) throws Exception {
        Path base = dir.resolve("round-" + (++round));
        Path inbox = base.resolve("inbox");
        Files.createDirectories(inbox);
        List<Path> dropped = new ArrayList<>(files.size());
        for (Path f : files) {
            Path copy = inbox.resolve(f.getFileName());
            Files.copy(f, copy);
            dropped.add(copy);
        }
        InstanceIntake intake = new InstanceIntake(new DicomStore(base.resolve("store").toString()), 1_000_000);
        MetadataRow[] rows = new MetadataRow[dropped.size()];
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long fileCpu = 0;
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<Long>> parts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                parts.add(pool.submit(() -> {
                    long cpu = threadCpu();
                    for (int k; (k = next.getAndIncrement()) < dropped.size(); ) {
                        Path file = dropped.get(k);
                        Path claim = file.resolveSibling(".dicom-bq-claimed-" + k + "-" + file.getFileName());
                        Files.move(file, claim);
                        rows[k] = intake.store(claim, "folder", null, null, null).row();
                        Files.delete(claim);
                    }
                    return threadCpu() - cpu;
                }));
            }
            for (Future<Long> part : parts) {
                fileCpu += part.get();
            }
        } finally {
            pool.shutdown();
        }
        long loadCpu;
        // the bundle's settings (one DuckDB thread, a 64 MB checkpoint threshold, no row-group
        // merges), but every commit straight into the table, none through the streaming buffer
        try (DuckDbWarehouse warehouse = new DuckDbWarehouse(base.resolve("data"), 1, 0, 3000, 150, "64MB",
                RejectedRows.NONE)) {
            warehouse.maxVacuumTasks(0);
            TableRef table = TableRef.parse("bq://local.dicom.instances");
            warehouse.prepare(table);
            List<MetadataRow> all = List.of(rows);
            long cpu = threadCpu();
            for (int i = 0; i < all.size(); i += COMMIT_ROWS) {
                warehouse.insert(table, all.subList(i, Math.min(all.size(), i + COMMIT_ROWS)));
            }
            loadCpu = threadCpu() - cpu;
            long count = warehouse.rowCount(table);
            if (count != all.size()) {
                throw new IllegalStateException("the floor's table holds " + count + " rows, not " + all.size());
            }
        }
        // set aside, not deleted: inodes freed now would make the next figure's new files dearer
        Bundle.retire(base, retired);
        return new Result(fileCpu / 1e3 / files.size(), loadCpu / 1e3 / files.size());
    }

    /**
     * The calling thread's CPU time, DuckDB's native work included (with one DuckDB thread it runs
     * on the thread that commits). Its garbage collector and JIT compiler are left out, as they are
     * in (a)'s figure; the bundle's CPU per instance in (b) counts them.
     */
    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
