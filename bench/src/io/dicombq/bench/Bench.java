package io.dicombq.bench;

import io.dicombq.row.DicomInstanceReader;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The benchmark: makes a corpus, then measures the bundle from outside, the way a user runs it.
 * Each figure is measured {@code runs} times; the table shows the median and every run.
 * Usage: Bench WORKDIR JAR TEMPLATES [--quick] [--only a,floor,b,c,...] [--sustained SECONDS]
 */
public final class Bench {
    private final Path work;
    private final Path jar;
    private final boolean quick;
    private final int runs;
    private final int corpusSize;
    private final Set<String> only;
    /** {@code --sustained}: (d)'s 200/s held this long once, on a corpus of its own (0: not run) */
    private final int sustainedSeconds;
    private final Map<String, List<Double>> results = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private List<Path> corpus;
    /** Other UIDs, same mix: run through each bundle before it is timed, as a running service is warm. */
    private List<Path> warmup;
    private CorpusMaker warmupMaker;
    private String corpusTag;
    /** BENCH_PORT: first port of the bundles, so two benchmarks on one machine do not answer each other */
    private int nextPort = Integer.parseInt(System.getenv().getOrDefault("BENCH_PORT", "18080"));

    Bench(Path work, Path jar, boolean quick, Set<String> only, int sustainedSeconds) {
        this.work = work;
        this.jar = jar;
        this.quick = quick;
        this.runs = quick ? 1 : 3;
        this.corpusSize = quick ? 2000 : 6000;
        this.only = only;
        this.sustainedSeconds = sustainedSeconds;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Set<String> only = new HashSet<>(List.of("a", "floor", "b", "c", "d", "e", "f", "g", "pydicom"));
        int sustained = 0;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--only")) {
                only = new HashSet<>(List.of(args[++i].split(",")));
            } else if (args[i].equals("--sustained")) {
                sustained = Integer.parseInt(args[++i]);
                if (sustained < 20) {
                    throw new IllegalArgumentException("--sustained needs at least 20 (seconds)");
                }
            }
        }
        if (sustained > 0 && !List.of(args).contains("--only")) {
            only = Set.of(); // --sustained alone: only that run
        }
        Bench b = new Bench(Path.of(args[0]), Path.of(args[1]), quick, only, sustained);
        b.run(new CorpusMaker(Path.of(args[2]), System.currentTimeMillis()));
    }

    void run(CorpusMaker maker) throws Exception {
        long t0 = System.nanoTime();
        corpus = maker.make(work.resolve("corpus"), corpusSize);
        warmupMaker = new CorpusMaker(maker, 999);
        corpusTag = maker.runTag();
        warmup = warmupMaker.make(work.resolve("warmup"), quick ? 1500 : 5000);
        long bytes = 0;
        for (Path p : corpus) {
            bytes += Files.size(p);
        }
        log("load average at the start: %s", loadAverage());
        log("corpus: %d instances (CT 50%%, MR 30%%, SR 10%%, RT 10%%), %d MB, in %.1f s",
                corpus.size(), bytes >> 20, (System.nanoTime() - t0) / 1e9);
        boolean perRun = only.contains("a") || only.contains("floor") || only.contains("pydicom") || only.contains("b") || only.contains("c");
        for (int r = 0; perRun && r < runs; r++) {
            log("--- run %d of %d", r + 1, runs);
            if (only.contains("a")) {
                parseAndMap();
            }
            if (only.contains("floor")) {
                designFloor();
            }
            if (only.contains("pydicom")) {
                record("pydicom headers->JSON, inst/s", pydicom());
            }
            if (only.contains("b")) {
                dropFolder();
            }
            if (only.contains("c")) {
                stow();
            }
        }
        if (only.contains("d")) {
            for (int r = 0; r < runs; r++) {
                latency(corpus, quick ? 10 : 20, "(d) latency at 200/s");
            }
        }
        if (sustainedSeconds > 0) {
            // a corpus of its own: every instance dropped once, so each is a new row of the view
            List<Path> files = new CorpusMaker(maker, 777).make(work.resolve("sustained"), 200 * sustainedSeconds);
            latency(files, sustainedSeconds, "(d) sustained " + sustainedSeconds + " s at 200/s");
            Bundle.deleteTree(work.resolve("sustained"));
        }
        if (only.contains("f")) {
            multiFrame(maker);
        }
        if (only.contains("g")) {
            for (int r = 0; r < runs; r++) {
                bigQuery();
            }
        }
        log("load average at the end: %s (other processes share these cores)", loadAverage());
        printTable();
        Bundle.deleteTree(work.resolve("retired"));
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    // ---------------------------------------------------------------- (a) parse and map

    /**
     * Every corpus file read and mapped to its row, on all cores, after warm-up passes. The timed
     * part repeats the corpus until it has run for {@link #PARSE_TIMED_NANOS} (one pass of the corpus
     * takes a quarter of a second, which other tenants' load swung by 2x from run to run), and the
     * worker threads' own CPU time gives a CPU per instance that such load does not change.
     */
    void parseAndMap() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // warm-up: the JIT keeps compiling for several thousand instances (as it does in a running bundle)
            parsePass(pool, threads, warmup);
            parsePass(pool, threads, corpus);
            long instances = 0;
            long cpuNanos = 0;
            int passes = 0;
            long t = System.nanoTime();
            do {
                cpuNanos += parsePass(pool, threads, corpus);
                instances += corpus.size();
                passes++;
            } while (System.nanoTime() - t < PARSE_TIMED_NANOS);
            double seconds = (System.nanoTime() - t) / 1e9;
            double rate = instances / seconds;
            double cpuMicros = cpuNanos / 1e3 / instances;
            log("(a) parse+map: %.0f inst/s on %d threads (%d passes of the corpus in %.1f s), %.0f us of CPU per instance",
                    rate, threads, passes, seconds, cpuMicros);
            record("(a) parse+map, one JVM, inst/s", rate);
            record("(a) CPU per instance, us", cpuMicros);
        } finally {
            pool.shutdown();
        }
    }

    private static final long PARSE_TIMED_NANOS = 2_000_000_000L;

    /** One pass over {@code files} on {@code threads} threads; returns the CPU time they took. */
    private static long parsePass(ExecutorService pool, int threads, List<Path> files) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            fs.add(pool.submit(() -> {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu = mx.getCurrentThreadCpuTime();
                DicomInstanceReader reader = new DicomInstanceReader();
                for (int k; (k = next.getAndIncrement()) < files.size(); ) {
                    if (reader.read(files.get(k)).row().values().isEmpty()) {
                        throw new IllegalStateException("empty row");
                    }
                }
                return mx.getCurrentThreadCpuTime() - cpu;
            }));
        }
        long cpu = 0;
        for (Future<Long> f : fs) {
            cpu += f.get();
        }
        return cpu;
    }

    // ---------------------------------------------------------------- (b)'s floor

    private DesignFloor floor;

    /**
     * What the design's own work per dropped file costs with no Camel ({@link DesignFloor}), next to
     * (a) of the same run: (b) &ge; ½ (a) needs the drop folder's CPU per instance within twice (a)'s.
     */
    void designFloor() throws Exception {
        if (floor == null) {
            floor = new DesignFloor(work.resolve("floor"), work.resolve("retired"));
            // the store's code and the warehouse's first table, until the JIT has compiled them: not timed
            floor.measure(warmup);
            floor.measure(warmup);
        }
        DesignFloor.Result r = floor.measure(corpus);
        log("(b)'s floor, the design's own work per dropped file in a plain loop (no Camel): %.0f us of CPU per "
                + "instance: the claim, the parse and map, the store and the release %.0f us on %d threads, the "
                + "embedded warehouse's load in commits of %d rows %.0f us", r.totalMicros(), r.filesMicros(),
                Runtime.getRuntime().availableProcessors(), DesignFloor.COMMIT_ROWS, r.loadMicros());
        record("(b) floor, CPU per instance, us", r.totalMicros());
        record("(b) floor: files, parse, store, us", r.filesMicros());
        record("(b) floor: DuckDB load, us", r.loadMicros());
    }

    // ---------------------------------------------------------------- pydicom, the user-written alternative

    double pydicom() throws Exception {
        Path out = work.resolve("pydicom-out.ndjson");
        Path script = Path.of(System.getProperty("bench.dir", "bench"), "pydicom_headers.py");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), work.resolve("corpus").toString(),
                out.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pydicom script failed: " + text);
        }
        String[] parts = text.split("\\s+");
        double rate = Double.parseDouble(parts[parts.length - 1]);
        log("pydicom: %.0f inst/s (one process, dcmread(stop_before_pixels) + to_json_dict)", rate);
        return rate;
    }

    // ---------------------------------------------------------------- (b) drop folder

    void dropFolder() throws Exception {
        try (Bundle bundle = start("drop", "1g", Map.of())) {
            // copied next to the inbox first (same file system), then moved in all at once with a
            // fresh mtime, as a just-written file has: the timer measures the bundle, not the copier
            Path staging = bundle.dir.resolve("staging");
            Files.createDirectories(staging);
            long c = System.nanoTime();
            for (Path f : corpus) {
                Files.copy(f, staging.resolve(f.getFileName()));
            }
            double copySecs = (System.nanoTime() - c) / 1e9;
            bundle.profileStart();
            long cpu = bundle.cpuMillis();
            long jit = bundle.jitCpuMillis();
            java.time.Instant start = java.time.Instant.now();
            long t = System.nanoTime();
            moveIn(bundle, staging, corpus);
            double moved = (System.nanoTime() - t) / 1e9;
            awaitInboxEmpty(bundle, Duration.ofMinutes(5));
            awaitCount(bundle, corpus.size(), Duration.ofMinutes(1));
            double secs = (System.nanoTime() - t) / 1e9;
            double rate = corpus.size() / secs;
            // the files were just written, as far as the bundle can tell (their mtime is the move's), so
            // it leaves them alone for dicom.inbox.settle-ms, then takes them at its next poll: the
            // first row's LastUpdated says when that was, and the rate from there is the pipeline's own
            double firstStored = (firstLastUpdated(bundle, start) - start.toEpochMilli()) / 1e3;
            double rateFromFirst = corpus.size() / (secs - firstStored);
            // CPU the bundle spent per instance: less sensitive than the rate to what else runs here
            double cpuPerInstance = (double) (bundle.cpuMillis() - cpu) / corpus.size();
            bundle.profileStop(profileFile("b"));
            double jitShare = share(bundle.jitCpuMillis() - jit, bundle.cpuMillis() - cpu);
            log("(b) drop folder -> view: %d in %.2f s = %.0f inst/s, bundle CPU %.2f ms/instance (JIT compiler %.0f %% "
                    + "of it; moving in took %.2f s; the first row stored %.2f s after the move began (the settle "
                    + "time, the poll), %.0f inst/s from there; copying them next to the inbox beforehand, untimed, "
                    + "%.0f files/s), peak RSS %d MB", corpus.size(), secs, rate, cpuPerInstance, jitShare, moved,
                    firstStored, rateFromFirst, corpus.size() / copySecs, bundle.peakRssMb());
            record("(b) drop folder -> view, inst/s", rate);
            record("(b) from the first row stored, inst/s", rateFromFirst);
            record("(b) bundle CPU per instance, us", cpuPerInstance * 1000);
            record("(e) peak RSS, drop folder run, MB", bundle.peakRssMb());
        }
    }

    // ---------------------------------------------------------------- (c) STOW-RS

    void stow() throws Exception {
        stow(1, "(c) STOW-RS, 8 clients -> view", "(c) STOW-RS 8 clients -> view, inst/s", "(e) peak RSS, STOW-RS run, MB");
        // what bulk clients (dcm4che stowrs, Orthanc's DICOMweb plugin) send: a series-sized request
        stow(25, "(c) STOW-RS, 8 clients x 25 instances per request -> view",
                "(c) STOW-RS 8 clients x 25/request, inst/s", "(e) peak RSS, STOW-RS x 25 run, MB");
    }

    /** 8 clients, each sending {@code perRequest} instances per multipart/related request, until 3,000 are in. */
    void stow(int perRequest, String label, String key, String rssKey) throws Exception {
        try (Bundle bundle = start(perRequest == 1 ? "stow" : "stow-" + perRequest, "1g", Map.of(), false)) {
            URI uri = bundle.studiesUri();
            warmUpStow(bundle, uri, perRequest);
            List<Path> files = corpus.subList(0, Math.min(corpus.size(), 3000));
            bundle.profileStart();
            long cpu = bundle.cpuMillis();
            long jit = bundle.jitCpuMillis();
            long clientCpu = ownCpuNanos();
            long t = System.nanoTime();
            int failed = send(uri, files, perRequest);
            // a 200 comes after the row is in every destination: the view already shows them
            awaitCount(bundle, files.size(), Duration.ofMinutes(2));
            double secs = (System.nanoTime() - t) / 1e9;
            double rate = files.size() / secs;
            // CPU per instance on each side of the socket: with both near 2 cores x time, the machine is the limit
            double bundleCpu = (bundle.cpuMillis() - cpu) * 1000.0 / files.size();
            double clientsCpu = (ownCpuNanos() - clientCpu) / 1000.0 / files.size();
            bundle.profileStop(profileFile("c" + perRequest));
            double jitShare = share(bundle.jitCpuMillis() - jit, bundle.cpuMillis() - cpu);
            log("%s: %d in %.2f s = %.0f inst/s, %d failed, CPU per instance: bundle %.0f us (JIT compiler %.0f %% "
                    + "of it), clients %.0f us (the 2 cores give %.0f us per instance at this rate), peak RSS %d MB",
                    label, files.size(), secs, rate, failed, bundleCpu, jitShare, clientsCpu,
                    2 * 1e6 / rate, bundle.peakRssMb());
            record(key, rate);
            record(rssKey, bundle.peakRssMb());
        }
    }

    /**
     * A STOW-RS bundle's warm-up: two thirds of the warm-up set through the drop folder once, then
     * the last third through STOW-RS, by 8 clients in the shape being measured
     * ({@code perRequest} instances per request), pass after pass until the bundle's CPU per instance
     * has settled: at least {@value #MIN_WARM_UP_PASSES} passes, then until the cheapest of the last
     * three is no longer 5 % below the cheapest before them (at most {@value #MAX_WARM_UP_PASSES}).
     * The JIT takes long over this much per-request code (Vert.x, Netty, mime4j, Camel): with four
     * passes, C2 still took a third of the bundle's CPU in the timed part of one instance per
     * request, and twelve passes took the CPU per instance from 7.0 ms to 1.8 ms (BENCHMARKS.md,
     * "Fifth round"). Each pass after the first sends the set under new UIDs (the store gains ~170 MB
     * a pass): an instance stored again frees its old file, and on a file system without a journal
     * (this machine's ext4) every file created in the next minutes scans past the inodes so freed,
     * which with a pass's instances stored again each time took ~7 % of the bundle's CPU in the timed
     * part (BENCHMARKS.md, "Ninth round"). A deployment receives new instances far more often than
     * the same ones again.
     */
    private void warmUpStow(Bundle b, URI uri, int perRequest) throws Exception {
        int viaFolder = warmUpThroughFolder(b);
        int rows = viaFolder;
        List<Path> stowSet = warmup.subList(viaFolder, warmup.size());
        WarmUpPasses warm = new WarmUpPasses();
        while (warm.more()) {
            String tag = warmUpTag(warm.count());
            warm.measure(b, stowSet.size(),
                    () -> send(uri, stowSet, perRequest, tag == null ? null : bytes -> warmupMaker.retagged(bytes, tag)));
            rows += stowSet.size();
        }
        warm.print("STOW-RS");
        awaitTableCount(b, rows, "STOW-RS warm-up");
        b.baseline = b.viewCount();
        b.tableBaseline = b.tableCount();
        settle(b);
    }

    private int profiles;

    /** Where the profile of a timed part goes when BENCH_PROFILER is set (Bundle.profileStart). */
    private Path profileFile(String figure) throws IOException {
        Files.createDirectories(work.resolve("profiles"));
        return work.resolve("profiles").resolve(String.format("%02d-%s.collapsed", ++profiles, figure));
    }

    /** After a warm-up: until the JIT has compiled what the warm-up made hot (see Bundle.awaitIdle). */
    private static void settle(Bundle b) throws InterruptedException {
        log("bundle idle %.1f s after its warm-up", b.awaitIdle());
    }

    /**
     * The run tag of a STOW-RS warm-up pass's UIDs: the warm-up set's own in the first pass, then
     * one of its own per pass, never the measured corpus's.
     */
    private String warmUpTag(int pass) {
        if (pass == 0) {
            return null;
        }
        int tag = 999 - pass;
        if (String.format("%03d", tag).equals(corpusTag)) {
            tag -= 500;
        }
        return String.format("%03d", tag);
    }

    /** 8 clients send the files, {@code perRequest} to a multipart/related request; returns the instances not answered 200. */
    private static int send(URI uri, List<Path> files, int perRequest) throws Exception {
        return send(uri, files, perRequest, null);
    }

    /** As above, each file's bytes passed through {@code rewrite} (same length) when it is not null. */
    private static int send(URI uri, List<Path> files, int perRequest, UnaryOperator<byte[]> rewrite)
            throws Exception {
        ConcurrentLinkedQueue<List<Path>> todo = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < files.size(); i += perRequest) {
            todo.add(files.subList(i, Math.min(files.size(), i + perRequest)));
        }
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(clients.submit(() -> {
                    for (List<Path> f; (f = todo.poll()) != null; ) {
                        if (StowPost.post(uri, f, rewrite) != 200) {
                            failed.addAndGet(f.size());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            clients.shutdown();
        }
        return failed.get();
    }

    /** CPU time of this JVM (the clients, and the count polling), in ns. */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // the JIT compiles by invocation counts, so a warm-up needs a volume of work, not just a flat
    // stretch: under a load average of ~45 from other tenants, STOW-RS warm-ups that could stop
    // after 6 passes stopped at 3.3 ms per instance on a plateau the next passes leave (1.1-1.7 ms)
    static final int MIN_WARM_UP_PASSES = 12;
    static final int MAX_WARM_UP_PASSES = 40;
    /** A pass in which the JIT compiler threads took more of the bundle's CPU than this (%) is not warm. */
    static final double JIT_SETTLED_PERCENT = 5;

    /**
     * The last three passes' cheapest is no longer 5 % below the cheapest of the passes before them,
     * and the JIT compiler took under {@value #JIT_SETTLED_PERCENT} % of the bundle's CPU in the last
     * pass. The second condition came with the fifteenth round (BENCHMARKS.md): with the first alone,
     * the compiler threads still took 10-40 % of the bundle's CPU in the timed parts, promoting to
     * C2 methods that had waited at C1's tier while its one C2 thread had a queue.
     */
    static boolean settled(List<Double> perPass, List<Double> jitPercent) {
        int n = perPass.size();
        if (n < MIN_WARM_UP_PASSES) {
            return false;
        }
        double before = Collections.min(perPass.subList(0, n - 3));
        double last = Collections.min(perPass.subList(n - 3, n));
        boolean jitDone = jitPercent.isEmpty() || jitPercent.get(n - 1) < 0 || jitPercent.get(n - 1) < JIT_SETTLED_PERCENT;
        return last > before * 0.95 && jitDone;
    }

    /** A warm-up's passes: what each cost the bundle in CPU per instance, and the JIT compiler's share of it. */
    private static final class WarmUpPasses {
        private final List<Double> cpuPerInstance = new ArrayList<>();
        private final List<Double> jitPercent = new ArrayList<>();

        interface Pass {
            void run() throws Exception;
        }

        boolean more() {
            return cpuPerInstance.size() < MAX_WARM_UP_PASSES && !settled(cpuPerInstance, jitPercent);
        }

        int count() {
            return cpuPerInstance.size();
        }

        /** Runs one pass of {@code instances} and records what it cost the bundle. */
        void measure(Bundle b, int instances, Pass pass) throws Exception {
            measure(b::cpuMillis, b::jitCpuMillis, instances, pass);
        }

        /** The same for what {@code cpuMillis} and {@code jitMillis} count (both in ms so far). */
        void measure(java.util.function.LongSupplier cpuMillis, java.util.function.LongSupplier jitMillis, int instances,
                     Pass pass) throws Exception {
            long cpu = cpuMillis.getAsLong();
            long jit = jitMillis.getAsLong();
            pass.run();
            long spent = cpuMillis.getAsLong() - cpu;
            cpuPerInstance.add(spent * 1000.0 / instances);
            jitPercent.add(share(jitMillis.getAsLong() - jit, spent));
        }

        void print(String shape) {
            print(shape, "bundle CPU per instance");
        }

        void print(String shape, String what) {
            log("%s warm-up, %s (us) pass by pass: %s", shape, what, passes(cpuPerInstance));
            log("%s warm-up, the JIT compiler's share of it (%%): %s", shape, passes(jitPercent));
        }
    }

    /**
     * {@code part} as a percentage of {@code whole}; -1 when either is unknown, or when the part
     * went down (HotSpot ends compiler threads that have been idle, and their CPU time goes with
     * them: the JIT was quiet, which settled() takes as done).
     */
    static double share(long part, long whole) {
        return part < 0 || whole <= 0 ? -1 : part * 100.0 / whole;
    }

    // ---------------------------------------------------------------- (d) latency at 200/s

    /**
     * {@code files} dropped at 200 per second for {@code seconds}; p50/p99 over the whole run, and
     * (for runs longer than 20 s) p99 over each 20 seconds, so a pause that falls in one window shows.
     */
    void latency(List<Path> files, int seconds, String label) throws Exception {
        int n = Math.min(files.size(), 200 * seconds);
        try (Bundle bundle = start("latency", "1g", Map.of())) {
            Map<String, Long> dropped = new ConcurrentHashMap<>();
            Map<String, Long> droppedAt = new ConcurrentHashMap<>();
            Map<String, Long> seen = new ConcurrentHashMap<>();
            Map<String, Long> lastUpdated = new ConcurrentHashMap<>();
            Map<String, String> sopOf = sopUids(files, n);
            List<String> sopInOrder = new ArrayList<>();
            Thread poller = new Thread(() -> pollView(bundle, seen, lastUpdated, new HashSet<>(sopOf.values()),
                    seconds + 120));
            poller.start();
            if (seconds > 20) {
                log("%s: dropping %d files", label, n);
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = start + i * 5_000_000L; // 200 per second
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                Path f = files.get(i);
                // copied straight in, as `cp` does: the drop time is when the copy is complete
                Files.copy(f, bundle.inbox().resolve(f.getFileName()));
                String sop = sopOf.get(f.getFileName().toString());
                sopInOrder.add(sop);
                dropped.put(sop, System.nanoTime());
                droppedAt.put(sop, System.currentTimeMillis());
            }
            double dropSecs = (System.nanoTime() - start) / 1e9;
            poller.join((seconds + 120) * 1000L);
            awaitCount(bundle, n, Duration.ofSeconds(30)); // every row is in the view too
            List<Double> lat = new ArrayList<>();
            // where the time went: drop to the row's LastUpdated (taken by the bundle: the settle time,
            // the poll), and LastUpdated to visible (stored, delivered, merged, seen by the next query)
            List<Double> taken = new ArrayList<>();
            List<Double> visible = new ArrayList<>();
            java.util.function.ToDoubleFunction<String> latencyOf = sop -> seen.containsKey(sop)
                    ? (seen.get(sop) - dropped.get(sop)) / 1e6 : Double.POSITIVE_INFINITY;
            for (var e : dropped.entrySet()) {
                Long s = seen.get(e.getKey());
                lat.add(latencyOf.applyAsDouble(e.getKey()));
                Long updated = lastUpdated.get(e.getKey());
                if (s != null && updated != null) {
                    taken.add((double) (updated - droppedAt.get(e.getKey())));
                    visible.add(lat.get(lat.size() - 1) - taken.get(taken.size() - 1));
                }
            }
            log("%s: %d files (took %.1f s to drop): latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; "
                            + "drop to LastUpdated p50 %.0f / p99 %.0f ms (the settle time, the poll), "
                            + "LastUpdated to seen p50 %.0f / p99 %.0f ms",
                    label, n, dropSecs, percentile(lat, 50), percentile(lat, 99), percentile(lat, 100),
                    percentile(taken, 50), percentile(taken, 99), percentile(visible, 50), percentile(visible, 99));
            if (seconds > 20) {
                logWhereSlow(label, sopInOrder, latencyOf);
            }
            record(label + ", p50 ms", percentile(lat, 50));
            record(label + ", p99 ms", percentile(lat, 99));
        }
    }

    /**
     * For a long run: the p99 of each 20 seconds of drops, and the seconds (counted from the first
     * drop) whose drops took over 1 s, each with its worst, so a pause shows where it fell.
     */
    private void logWhereSlow(String label, List<String> sopInOrder, java.util.function.ToDoubleFunction<String> latencyOf) {
        StringBuilder windows = new StringBuilder();
        int per = 200 * 20;
        for (int from = 0; from < sopInOrder.size(); from += per) {
            List<Double> w = new ArrayList<>();
            for (String sop : sopInOrder.subList(from, Math.min(sopInOrder.size(), from + per))) {
                w.add(latencyOf.applyAsDouble(sop));
            }
            windows.append(windows.length() == 0 ? "" : " / ").append(String.format("%.0f", percentile(w, 99)));
        }
        log("%s: p99 of each 20 s, ms: %s", label, windows);
        Map<Integer, Double> slow = new java.util.TreeMap<>();
        for (int i = 0; i < sopInOrder.size(); i++) {
            double ms = latencyOf.applyAsDouble(sopInOrder.get(i));
            if (ms > 1000) {
                slow.merge(i / 200, ms, Math::max);
            }
        }
        StringBuilder where = new StringBuilder();
        slow.forEach((sec, ms) -> where.append(String.format(" %d:%.0f", sec, ms)));
        log("%s: seconds with drops over 1 s (second:worst ms):%s", label, slow.isEmpty() ? " none" : where);
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return p == 50 ? sorted.get(sorted.size() / 2) : sorted.get((int) Math.ceil(sorted.size() * p / 100.0) - 1);
    }

    private static Map<String, String> sopUids(List<Path> files, int n) throws Exception {
        Map<String, String> m = new HashMap<>();
        DicomInstanceReader reader = new DicomInstanceReader();
        for (int i = 0; i < n; i++) {
            m.put(files.get(i).getFileName().toString(), reader.read(files.get(i)).sopInstanceUid());
        }
        return m;
    }

    /**
     * Every 10 ms: which instances does the view show now? Stamps each the first time it is seen, and
     * keeps its LastUpdated (UTC, as the table shows it) as epoch ms.
     */
    private static void pollView(Bundle bundle, Map<String, Long> seen, Map<String, Long> lastUpdated,
                                 Set<String> expected, int seconds) {
        int n = expected.size();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String cursor = "1970-01-01 00:00:00";
        while (seen.size() < n && System.nanoTime() < end) {
            try {
                // the table, not the view: see Bundle.tableCount; the view is checked at the end
                List<String> lines = bundle.sql("SELECT SOPInstanceUID AS s, CAST(LastUpdated AS VARCHAR) AS t "
                        + "FROM local.dicom.instances WHERE LastUpdated > TIMESTAMP '" + cursor + "' - INTERVAL 5 SECOND");
                long now = System.nanoTime();
                String max = cursor;
                for (String l : lines) {
                    String s = field(l, "s");
                    String t = field(l, "t");
                    if (expected.contains(s) && seen.putIfAbsent(s, now) == null) {
                        lastUpdated.put(s, java.time.LocalDateTime.parse(
                                t.replaceAll("[+-][0-9]{2}(:?[0-9]{2})?$", "").replace(' ', 'T'))
                                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
                    }
                    if (t.compareTo(max) > 0) {
                        max = t;
                    }
                }
                cursor = max.length() > 19 ? max.substring(0, 19) : max;
                Thread.sleep(10);
            } catch (Exception e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The earliest LastUpdated (epoch ms) of the rows stored since {@code since}. */
    private static long firstLastUpdated(Bundle bundle, java.time.Instant since) throws Exception {
        String from = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                .withZone(java.time.ZoneOffset.UTC).format(since);
        List<String> lines = bundle.sql("SELECT CAST(min(LastUpdated) AS VARCHAR) AS t FROM local.dicom.instances "
                + "WHERE LastUpdated >= TIMESTAMP '" + from + "'");
        String t = field(lines.get(0), "t");
        return java.time.LocalDateTime.parse(t.replaceAll("[+-][0-9]{2}(:?[0-9]{2})?$", "").replace(' ', 'T'))
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
    }

    private static String field(String jsonLine, String name) {
        int i = jsonLine.indexOf("\"" + name + "\":\"");
        int from = i + name.length() + 4;
        return jsonLine.substring(from, jsonLine.indexOf('"', from));
    }

    // ---------------------------------------------------------------- (f) 1 GB multi-frame, 256 MB heap

    void multiFrame(CorpusMaker maker) throws Exception {
        int frames = quick ? 2048 : 8192; // 8192 x 128 KiB = 1 GiB
        Path big = maker.makeMultiFrame(work.resolve("multiframe.dcm"), frames);
        long mb = Files.size(big) >> 20;
        for (String path : List.of("drop", "stow")) {
            try (Bundle bundle = start("multiframe-" + path, "256m", Map.of(), false)) {
                HeapSampler heap = new HeapSampler(bundle);
                heap.start();
                long t = System.nanoTime();
                String outcome;
                if (path.equals("drop")) {
                    Files.copy(big, bundle.inbox().resolve("multiframe.dcm"), StandardCopyOption.REPLACE_EXISTING);
                    outcome = awaitCount(bundle, 1, Duration.ofMinutes(3)) ? "row visible" : "NO ROW";
                } else {
                    try {
                        int status = StowPost.post(bundle.studiesUri(), List.of(big), null);
                        outcome = "HTTP " + status + (bundle.viewCount() == 1 ? ", row visible" : ", NO ROW");
                    } catch (Exception e) {
                        outcome = "no answer (" + e + ")";
                    }
                    if (Files.readString(bundle.dir.resolve("bundle.log")).contains("OutOfMemoryError")) {
                        outcome += ", bundle ran out of heap (OutOfMemoryError in bundle.log)";
                    }
                }
                double secs = (System.nanoTime() - t) / 1e9;
                heap.stop();
                boolean pass = outcome.contains("row visible") && !outcome.contains("HTTP 4") && !outcome.contains("HTTP 5")
                        && !outcome.contains("OutOfMemoryError") && bundle.alive();
                String line = String.format("%s: %s in %.1f s; heap used (MB) before %d, max during %d, after %d; %s",
                        mb + " MB via " + path, outcome, secs, heap.before, heap.max, heap.last, pass ? "PASS" : "FAIL");
                log("(f) %s", line);
                notes.put("(f) " + mb + " MB multi-frame via " + path + ", -Xmx256m", line);
                record("(f) " + path + ": max heap used during, MB", heap.max);
            }
        }
    }

    /** Samples the bundle's used heap every 250 ms. */
    static final class HeapSampler {
        private final Bundle bundle;
        private volatile boolean running = true;
        volatile long before;
        volatile long max;
        volatile long last;
        private Thread thread;

        HeapSampler(Bundle bundle) {
            this.bundle = bundle;
        }

        void start() {
            before = bundle.heapUsedMb();
            thread = new Thread(() -> {
                while (running) {
                    long h = bundle.heapUsedMb();
                    last = h;
                    max = Math.max(max, h);
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            last = bundle.heapUsedMb();
        }
    }

    // ---------------------------------------------------------------- (g) BigQuery (fake server)

    /**
     * The bundle's BigQuery delivery path (see {@link BigQueryDelivery}): rows handed in one per
     * route thread to the destination's group-commit writer, which keeps
     * {@code dicom.bigquery.concurrent-inserts} insertAll requests in flight through
     * routes/bigquery.camel.yaml and the real google-cloud-bigquery client, to the project's fake
     * BigQuery server in a JVM of its own over loopback HTTP. The rows are read before the clock
     * starts; the fake's row count (a COUNT(*) query job) must match at the end.
     */
    void bigQuery() throws Exception {
        // the corpus three times, each with its own LastUpdated (so its own insertIds): a timed part of
        // a few seconds rather than one, which a GC pause or a late compilation would swing. The second
        // and third times are copies that share the first's values: with 18,000 rows held whole
        // (~0.6 GB), GC took 38 % of this JVM's CPU in one profile of (g); a bundle's rows leave its
        // heap as they are delivered
        List<io.dicombq.row.MetadataRow> rows = new ArrayList<>();
        DicomInstanceReader reader = new DicomInstanceReader();
        java.time.Instant now = java.time.Instant.now();
        for (Path f : corpus) {
            rows.add(insertRow(reader, f, now));
        }
        for (int pass = 1; pass < 3; pass++) {
            for (int i = 0; i < corpus.size(); i++) {
                rows.add(io.dicombq.row.ServiceColumns.apply(rows.get(i).copy(), io.dicombq.row.ServiceColumns.INSERT,
                        now.plusSeconds(pass), null, null));
            }
        }
        int n = rows.size();
        Path routes = Path.of(System.getProperty("bench.dir", "bench")).toAbsolutePath().resolveSibling("routes");
        try (FakeBigQuery fake = new FakeBigQuery(); BigQueryDelivery bq = new BigQueryDelivery(fake.url(), routes)) {
            io.dicombq.warehouse.TableRef table = io.dicombq.warehouse.TableRef.parse("bq://local.dicom.instances");
            bq.prepare(table);
            // Warm-up: the warm-up set pass after pass, each time with another LastUpdated (so other
            // insertIds, and new rows for the fake), until both JVMs' CPU per row has settled and
            // their JIT compilers are quiet, as a bundle's warm-up does (settled()). Six passes
            // (30,000 rows) left the compilers at 20-30 % of both sides' CPU in the timed part
            // (BENCHMARKS.md, "Eighteenth round"). A pass's rows are read before it is measured.
            long self = ProcessHandle.current().pid();
            WarmUpPasses passes = new WarmUpPasses();
            for (int pass = 1; passes.more(); pass++) {
                List<io.dicombq.row.MetadataRow> warm = new ArrayList<>();
                for (Path f : warmup) {
                    warm.add(insertRow(reader, f, now.minusSeconds(pass)));
                }
                passes.measure(() -> ownCpuNanos() / 1_000_000 + fake.cpuMillis(),
                        () -> ThreadCpu.millis(self, ThreadCpu.JIT) + fake.jitCpuMillis(), warm.size(),
                        () -> bq.deliver(table, warm));
            }
            passes.print("(g)", "CPU per row of both JVMs (delivery side and fake server)");
            long before = bq.rowCount(table);
            // this JVM holds the corpus and the last run's rows: collected now, not in the timed part
            System.gc();
            long clientCpu = ownCpuNanos();
            long clientGc = ThreadCpu.millis(self, ThreadCpu.GC);
            long clientJit = ThreadCpu.millis(self, ThreadCpu.JIT);
            long fakeCpu = fake.cpuMillis();
            long fakeGc = fake.gcCpuMillis();
            long fakeJit = fake.jitCpuMillis();
            long t = System.nanoTime();
            bq.deliver(table, rows);
            double secs = (System.nanoTime() - t) / 1e9;
            double clientUs = (ownCpuNanos() - clientCpu) / 1e3 / n;
            double clientGcUs = (ThreadCpu.millis(self, ThreadCpu.GC) - clientGc) * 1e3 / n;
            double fakeUs = (fake.cpuMillis() - fakeCpu) * 1e3 / n;
            double fakeGcUs = (fake.gcCpuMillis() - fakeGc) * 1e3 / n;
            double clientJitUs = (ThreadCpu.millis(self, ThreadCpu.JIT) - clientJit) * 1e3 / n;
            double fakeJitUs = (fake.jitCpuMillis() - fakeJit) * 1e3 / n;
            long landed = bq.rowCount(table) - before;
            if (landed != n) {
                throw new IllegalStateException("fake BigQuery holds " + landed + " new rows, expected " + n);
            }
            double rate = n / secs;
            log("(g) BigQuery delivery (Destinations -> routes/bigquery.camel.yaml -> fake server in its own JVM; "
                            + "%d route threads, %d insertAll in flight, batches <= %d): %d rows in %.2f s = %.0f rows/s; "
                            + "CPU per row: delivery side %.0f us (GC %.0f, JIT %.0f), fake server %.0f us (GC %.0f, JIT %.0f)",
                    bq.writerThreads, bq.concurrentInserts, bq.maxRows, n, secs, rate, clientUs, clientGcUs, clientJitUs,
                    fakeUs, fakeGcUs, fakeJitUs);
            record("(g) BigQuery insertAll (fake), rows/s", rate);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Bundle start(String name, String heap, Map<String, String> env) throws Exception {
        return start(name, heap, env, true);
    }

    /**
     * A drop-folder bundle's warm-up ((b) and (d)): the last third of the warm-up set through STOW-RS,
     * one instance per request, then the first two thirds through the drop folder in the shape (b)
     * measures (staged, moved in at once), pass after pass until the bundle's CPU per instance has
     * settled, as for the STOW-RS bundles (see {@link #warmUpStow}). With one pass, C2 still took a
     * fifth of the bundle's CPU in the timed part of (b) (BENCHMARKS.md, "Sixth round"). Dropping an
     * instance again adds a row, not an instance.
     */
    private void warmUp(Bundle b) throws Exception {
        int viaFolder = warmup.size() * 2 / 3;
        URI uri = b.studiesUri();
        for (Path f : warmup.subList(viaFolder, warmup.size())) {
            StowPost.post(uri, List.of(f), null);
        }
        long rows = warmup.size() - viaFolder;
        List<Path> folderSet = warmup.subList(0, viaFolder);
        Path staging = Files.createDirectories(b.dir.resolve("staging"));
        WarmUpPasses warm = new WarmUpPasses();
        while (warm.more()) {
            for (Path f : folderSet) {
                Files.copy(f, staging.resolve(f.getFileName()));
            }
            rows += folderSet.size();
            long expected = rows;
            warm.measure(b, folderSet.size(), () -> {
                moveIn(b, staging, folderSet);
                awaitTableCount(b, expected, "drop-folder warm-up");
            });
        }
        warm.print("drop-folder");
        awaitCount(b, warmup.size(), Duration.ofMinutes(3));
        b.baseline = warmup.size();
        b.tableBaseline = rows;
        settle(b);
    }

    /** Staged files moved into the inbox all at once, with a fresh mtime as a just-written file has. */
    private static void moveIn(Bundle b, Path staging, List<Path> files) throws Exception {
        java.nio.file.attribute.FileTime now = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis());
        for (Path f : files) {
            Path s = staging.resolve(f.getFileName());
            Files.setLastModifiedTime(s, now);
            Files.move(s, b.inbox().resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The first two thirds of the warm-up set through the drop folder, until the view shows them; how many. */
    private int warmUpThroughFolder(Bundle b) throws Exception {
        int viaFolder = warmup.size() * 2 / 3;
        for (Path f : warmup.subList(0, viaFolder)) {
            Files.copy(f, b.inbox().resolve(f.getFileName()));
        }
        awaitCount(b, viaFolder, Duration.ofMinutes(3));
        return viaFolder;
    }

    private static void awaitTableCount(Bundle b, long rows, String what) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (b.tableCount() < rows) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(what + ": the table holds " + b.tableCount() + " of " + rows
                        + " rows; see " + b.dir.resolve("bundle.log"));
            }
            Thread.sleep(20);
        }
    }

    private static String passes(List<Double> perPass) {
        StringBuilder text = new StringBuilder();
        perPass.forEach(us -> text.append(text.length() == 0 ? "" : " / ").append(Math.round(us)));
        return text.toString();
    }

    /** The row the bundle makes of a stored file, with the given LastUpdated. */
    private static io.dicombq.row.MetadataRow insertRow(DicomInstanceReader reader, Path f, java.time.Instant lastUpdated)
            throws Exception {
        return io.dicombq.row.ServiceColumns.apply(reader.read(f).row(), io.dicombq.row.ServiceColumns.INSERT,
                lastUpdated, Files.size(f), "STANDARD");
    }

    private Bundle start(String name, String heap, Map<String, String> env, boolean warm) throws Exception {
        Path dir = work.resolve("bundle-" + name);
        Bundle.retire(dir, work.resolve("retired"));
        Bundle b = new Bundle(jar, dir, nextPort++, heap, env);
        try {
            b.awaitReady(Duration.ofSeconds(90));
            if (warm) {
                warmUp(b);
            }
        } catch (Exception e) {
            b.close();
            throw e;
        }
        return b;
    }

    /**
     * Until the inbox holds no instance, waiting or claimed (a claimed file is removed once every
     * destination has its row): watched by listing the folder. A count query instead makes the
     * bundle merge its streaming buffer first: polling one every 20 ms, the queries and the merges
     * took 11.8 % of the bundle's CPU in one (b) profile. The rows are then checked in the view
     * ({@link #awaitCount}), and the clock stops there: the last merge is timed.
     */
    private static void awaitInboxEmpty(Bundle bundle, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            boolean any;
            try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(bundle.inbox(), "*.dcm")) {
                any = entries.iterator().hasNext();
            }
            if (!any) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the inbox still holds instances after " + timeout
                + "; see " + bundle.dir.resolve("bundle.log"));
    }

    private static boolean awaitCount(Bundle bundle, long n, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            // the table is polled (cheap), the view checked once the table has them all
            if (bundle.tableCount() >= n && bundle.viewCount() >= n) {
                return true;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("view shows " + bundle.viewCount() + " of " + n + " after " + timeout
                + "; see " + bundle.dir.resolve("bundle.log"));
    }

    private void record(String key, double value) {
        results.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private void printTable() {
        System.out.println();
        System.out.printf("%-42s %12s   %s%n", "measure", "median", "runs");
        for (var e : results.entrySet()) {
            StringBuilder runsText = new StringBuilder();
            for (double d : e.getValue()) {
                runsText.append(String.format("%.0f ", d));
            }
            System.out.printf("%-42s %12.0f   %s%n", e.getKey(), median(e.getValue()), runsText.toString().trim());
        }
        ratio("(b) / (a)", "(b) drop folder -> view, inst/s", "(a) parse+map, one JVM, inst/s");
        // the same comparison in CPU per instance ((a)'s over (b)'s), which other tenants' load moves less
        ratio("(b) / (a) in CPU per instance", "(a) CPU per instance, us", "(b) bundle CPU per instance, us");
        // above 1, half of (a) is out of reach for any drop folder that does the design's work
        ratio("(b) floor / (2 x (a)) in CPU per instance", "(b) floor, CPU per instance, us", "(a) CPU per instance, us", 2);
        ratio("(a) / pydicom", "(a) parse+map, one JVM, inst/s", "pydicom headers->JSON, inst/s");
        ratio("(b) / pydicom", "(b) drop folder -> view, inst/s", "pydicom headers->JSON, inst/s");
        ratio("(c) / pydicom", "(c) STOW-RS 8 clients -> view, inst/s", "pydicom headers->JSON, inst/s");
        for (var e : notes.entrySet()) {
            System.out.printf("%s%n    %s%n", e.getKey(), e.getValue());
        }
    }

    private void ratio(String name, String top, String bottom) {
        ratio(name, top, bottom, 1);
    }

    /** top / (factor x bottom), run by run. */
    private void ratio(String name, String top, String bottom, double factor) {
        List<Double> t = results.get(top);
        List<Double> b = results.get(bottom);
        if (t == null || b == null) {
            return;
        }
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(t.size(), b.size()); i++) {
            r.add(t.get(i) / (factor * b.get(i)));
        }
        StringBuilder runsText = new StringBuilder();
        for (double d : r) {
            runsText.append(String.format("%.2f ", d));
        }
        System.out.printf("%-42s %12.2f   %s (same run, side by side)%n", "ratio " + name, median(r), runsText.toString().trim());
    }

    static void log(String fmt, Object... args) {
        System.out.printf("[bench] " + fmt + "%n", args);
        System.out.flush();
    }
}
