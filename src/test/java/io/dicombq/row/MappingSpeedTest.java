package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A sanity check of speed, not a benchmark: parses and maps instances from memory in a loop, on
 * two threads, and PRINTS instances per second of wall time and per CPU-second (no assertion on
 * speed: machines differ, and a shared build machine makes wall time noisy; CPU time is the
 * steadier figure). The design target is 4,000 instances/s parse+map on 2 cores for typical CT
 * headers, i.e. 2,000 per CPU-second.
 */
class MappingSpeedTest {

    private static final int ROUNDS = 2_000;

    @Test
    void printsInstancesPerSecond() throws Exception {
        List<byte[]> ct = List.of(Files.readAllBytes(Path.of("samples/ct.dcm")),
                Files.readAllBytes(CorpusTest.DIR.resolve("ts-explicit-le.dcm")));
        List<byte[]> corpus = new ArrayList<>();
        try (Stream<Path> s = Files.list(CorpusTest.DIR)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
                if (Files.size(p) < (1 << 20)) { // the 1 MiB value instance measures memcpy, not mapping
                    corpus.add(Files.readAllBytes(p));
                }
            }
        }
        DicomInstanceReader reader = new DicomInstanceReader();
        run(reader, ct, ROUNDS / 2); // warm-up
        double[] cts = run(reader, ct, ROUNDS);
        double[] all = run(reader, corpus, ROUNDS / 40);
        System.out.printf("mapping speed (parse+map, 2 threads, %d cores): typical CT headers %.0f instances/s"
                        + " (%.0f per CPU-second), whole corpus %.0f instances/s (%.0f per CPU-second)%n",
                Runtime.getRuntime().availableProcessors(), cts[0], cts[1], all[0], all[1]);
    }

    /** Instances per wall second and per CPU-second over {@code rounds} passes on two threads. */
    private static double[] run(DicomInstanceReader reader, List<byte[]> files, int rounds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int t = 0; t < 2; t++) {
                done.add(pool.submit(() -> {
                    long c0 = mx.getCurrentThreadCpuTime();
                    int n = 0;
                    for (int r = 0; r < rounds / 2; r++) {
                        for (byte[] f : files) {
                            try {
                                reader.read(new ByteArrayInputStream(f));
                                n++;
                            } catch (io.dicombq.InvalidDicomException e) {
                                n++; // deliberately bad corpus instances still cost a parse
                            }
                        }
                    }
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            assertTrue(total > 0);
            return new double[] {total / ((System.nanoTime() - start) / 1e9), total / (cpu.get() / 1e9)};
        } finally {
            pool.shutdownNow();
        }
    }
}
