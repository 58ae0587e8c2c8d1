package io.dicombq.bench;

import io.dicombq.bigquery.FakeBigQueryServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's fake BigQuery REST server (src/test/java, the one the BigQuery tests use) in a
 * JVM of its own for (g): the bundle's real BigQuery client talks to it over loopback HTTP, and
 * the fake's parsing and schema checks stay out of the measured JVM. The fake decompresses, parses,
 * checks and de-duplicates every row as it does for the tests, but only counts the rows it accepts
 * ({@link FakeBigQueryServer#countRowsOnly()}): BigQuery keeps them on its own machines, while
 * the fake, keeping them, spent a third of its CPU in GC on the same two cores as the bundle.
 */
final class FakeBigQuery implements AutoCloseable {
    private final Process process;
    private final String url;

    FakeBigQuery() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx2g"));
        String extra = System.getProperty("bench.fake.jvm-option"); // e.g. to profile the fake
        if (extra != null && !extra.isBlank()) {
            command.add(extra);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FakeBigQuery.class.getName()));
        process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.startsWith("http://")) { // a JVM option may print first (JFR does)
            line = out.readLine();
        }
        if (line == null || !line.startsWith("http://")) {
            process.destroyForcibly();
            throw new IllegalStateException("fake BigQuery did not start: " + line);
        }
        url = line.trim();
    }

    String url() {
        return url;
    }

    /** CPU time the fake's garbage collector has used so far, in ms. */
    long gcCpuMillis() {
        return ThreadCpu.millis(process.pid(), ThreadCpu.GC);
    }

    /** CPU time the fake's JIT compiler has used so far, in ms. */
    long jitCpuMillis() {
        return ThreadCpu.millis(process.pid(), ThreadCpu.JIT);
    }

    /** CPU time the fake's JVM has used so far, all threads (user + system), in ms. */
    long cpuMillis() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /** The fake's own JVM: serves until its stdin closes (the bench ends or closes it). */
    public static void main(String[] args) throws Exception {
        try (FakeBigQueryServer server = new FakeBigQueryServer()) {
            server.addDataset("local", "dicom");
            server.countRowsOnly();
            // -Dbench.fake.jvm-option=-Dbench.fake.hold-ms=100: each insertAll takes that long at least,
            // like a real BigQuery round trip (50-200 ms); 0 (default) answers as fast as it can
            long holdMs = Long.getLong("bench.fake.hold-ms", 0);
            if (holdMs > 0) {
                server.beforeEachInsertAll(() -> {
                    try {
                        Thread.sleep(holdMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            System.out.println(server.url());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the bench to close the pipe
            }
        }
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
