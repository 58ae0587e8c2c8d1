package io.dicombq.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bundle under test, as a user runs it: {@code java -jar target/dicom-bq.jar} in its own
 * working directory, measured from outside (drop folder, HTTP, the loopback SQL endpoint).
 */
final class Bundle implements AutoCloseable {
    final Path dir;
    final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int sqlPort;
    /** Rows the view held before the timed part (the warm-up): viewCount() counts from there. */
    long baseline;
    long tableBaseline;

    Bundle(Path jar, Path dir, int port, String heap, Map<String, String> env) throws IOException {
        this.dir = dir;
        this.port = port;
        Files.createDirectories(dir.resolve("inbox"));
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx" + heap, "-Xms" + heap));
        String extra = System.getenv("BENCH_BUNDLE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        String profiler = System.getenv("BENCH_PROFILER");
        if (profiler != null && !profiler.isBlank()) {
            // loaded at start and idle until profileStart, so loading an agent into a running JVM
            // is not part of what is measured
            cmd.add("-agentpath:" + profiler);
        }
        cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bundle.log").toFile());
        pb.environment().put("DICOM_HTTP_PORT", String.valueOf(port));
        pb.environment().putAll(env);
        process = pb.start();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    Path inbox() {
        return dir.resolve("inbox");
    }

    /** The store's STOW-RS endpoint (POST multipart/related here). */
    URI studiesUri() {
        return URI.create("http://localhost:" + port
                + "/v1/projects/local/locations/local/datasets/local/dicomStores/local/dicomWeb/studies");
    }

    /** Waits until health is UP and the SQL endpoint has published its port. */
    void awaitReady(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Path portFile = dir.resolve("data/.sql-endpoint");
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("bundle exited; see " + dir.resolve("bundle.log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.exists(portFile)) {
                    sqlPort = Integer.parseInt(Files.readString(portFile).trim());
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("bundle not ready within " + timeout);
    }

    /** One SQL statement through the loopback endpoint; the answer's NDJSON lines. */
    List<String> sql(String query) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sqlPort + "/query"))
                .POST(HttpRequest.BodyPublishers.ofString(query)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("SQL " + r.statusCode() + ": " + r.body());
        }
        return r.body().lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Rows in the destination table. The view is a plain SQL view over it, so a committed row is
     * in the view at the same moment; polling the table costs the bundle ~0.5 ms a query, polling
     * the view (a window over every row) ~9 ms at 10,000 rows, which the bundle would spend
     * instead of working. Each figure checks the view itself once at the end ({@link #viewCount}).
     */
    long tableCount() throws Exception {
        String line = sql("SELECT count(*) AS n FROM local.dicom.instances").get(0);
        return Long.parseLong(line.replaceAll("[^0-9]", "")) - tableBaseline;
    }

    long viewCount() throws Exception {
        String line = sql("SELECT count(*) AS n FROM local.dicom.instances_view").get(0);
        return Long.parseLong(line.replaceAll("[^0-9]", "")) - baseline;
    }

    /**
     * Waits, for a minute at most, until the bundle has used less than 5 % of a core in each
     * half second of two seconds running: a warm-up on two busy cores leaves the JIT a queue of
     * methods to compile, which a service that has been running for a while has long worked off,
     * and the embedded warehouse checkpoints a long log a second after its last commit
     * (dicom.duckdb.idle-checkpoint-mb), as it does in any pause before a burst. Returns the
     * seconds waited.
     */
    double awaitIdle() throws InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(1);
        int quiet = 0;
        while (quiet < 4 && System.nanoTime() < end) {
            long cpu = cpuMillis();
            Thread.sleep(500);
            quiet = cpuMillis() - cpu < 25 ? quiet + 1 : 0;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * With {@code BENCH_PROFILER} set to async-profiler's {@code libasyncProfiler.so}, starts
     * sampling the bundle's CPU (every thread apart) for the timed part that follows; does nothing
     * otherwise. The library is loaded when the bundle starts (see the constructor) and only told
     * to start here; call it before the clock starts.
     */
    void profileStart() throws Exception {
        profiler("start,event=cpu,interval=1ms,threads");
    }

    /** Stops sampling (see profileStart) and writes the samples as collapsed stacks, one line each, to {@code to}. */
    void profileStop(Path to) throws Exception {
        if (profiler("stop,collapsed,file=" + to.toAbsolutePath())) {
            System.out.println("[bench] profile of the timed part: " + to);
        }
    }

    private boolean profiler(String command) throws Exception {
        String lib = System.getenv("BENCH_PROFILER");
        if (lib == null || lib.isBlank()) {
            return false;
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), "JVMTI.agent_load", lib, '"' + command + '"')
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        // jcmd exits 0 whatever the agent answers; the agent's own answer ends "return code: N"
        if (p.waitFor() != 0 || !out.contains("return code: 0")) {
            throw new IllegalStateException("async-profiler " + command + ": " + out.trim());
        }
        return true;
    }

    /** CPU time the bundle's process has used so far (user + system, all threads), in ms. */
    long cpuMillis() {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /** CPU time the bundle's JIT compiler threads (C1 and C2) have used so far, in ms; -1 where /proc cannot tell. */
    long jitCpuMillis() {
        return ThreadCpu.millis(process.pid(), ThreadCpu.JIT);
    }

    /** Peak resident set size so far (VmHWM), in MB. */
    long peakRssMb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** Used heap in MB right now (jcmd GC.heap_info: the young + old "used" figures). */
    long heapUsedMb() {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                    "-gc", String.valueOf(process.pid())).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            String[] head = lines.get(0).trim().split("\\s+");
            String[] val = lines.get(1).trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < head.length; i++) {
                if (head[i].equals("S0U") || head[i].equals("S1U") || head[i].equals("EU") || head[i].equals("OU")) {
                    kb += Double.parseDouble(val[i]);
                }
            }
            return (long) (kb / 1024);
        } catch (Exception e) {
            return -1;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Clears the way for the next bundle of this name: its directory moves into {@code retired} with
     * every file emptied (the disk space comes back), and is deleted only when the bench ends. Not
     * deleted now, because on ext4 without a journal (this machine's disk) a new inode is not given
     * the number of one freed in the last 1-6 minutes, and with thousands of those in a block group
     * every file creation there scans past them. Deleting the previous run's ~10,000 files made the
     * next STOW-RS run's spool files dear (BENCHMARKS.md, "Eighth round").
     */
    static void retire(Path dir, Path retired) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.createDirectories(retired);
        Path aside = retired.resolve(dir.getFileName() + "-" + System.nanoTime());
        Files.move(dir, aside);
        try (var s = Files.walk(aside)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(0);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
