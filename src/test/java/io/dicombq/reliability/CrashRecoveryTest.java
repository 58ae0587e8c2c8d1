package io.dicombq.reliability;

import io.dicombq.testing.BundleJvm;
import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import io.dicombq.warehouse.DuckDbWarehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a drop-folder ingest, restart, and nothing is lost: every instance is
 * in the view once, the inbox is empty, and only the genuinely bad files are in the failed folder.
 * The bundle runs as its own JVM ({@code io.dicombq.Application}, the test's class path, a working
 * directory under target/), exactly as {@code java -jar target/dicom-bq.jar} would run it.
 */
class CrashRecoveryTest {
    static final int INSTANCES = 300;
    static final Path ROOT = Path.of("target/it/reliability/crash").toAbsolutePath();
    Process bundle;

    @AfterEach
    void cleanUp() {
        if (bundle != null && bundle.isAlive()) {
            bundle.destroyForcibly();
        }
    }

    @Test
    void everyInstanceSurvivesAKillDashNine() throws Exception {
        TestDirs.deleteRecursively(ROOT);
        Path inbox = ROOT.resolve("inbox");
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < INSTANCES; i++) {
            TestInstances.drop(inbox, "batch-" + (i % 10) + "/" + i + ".dcm", TestInstances.instance(3 + i % 10, i));
            expected.add(TestInstances.sop(3 + i % 10, i));
        }
        TestInstances.drop(inbox, "bad/notes.txt", "not DICOM at all\n".getBytes(StandardCharsets.UTF_8));
        TestInstances.drop(inbox, "bad/empty.dcm", new byte[0]);

        int port = freePort();
        bundle = start(port, "first.log");
        Await.until("some rows delivered", Duration.ofSeconds(60), () -> delivered(port) >= 60);
        bundle.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no cleanup
        assertTrue(bundle.waitFor(10, TimeUnit.SECONDS));
        int leftAfterKill = TestInstances.inboxFiles(inbox).size();

        bundle = start(port, "second.log");
        Await.until("the inbox emptied after the restart", Duration.ofSeconds(60),
                () -> TestInstances.inboxFiles(inbox).stream().noneMatch(p -> !p.startsWith(inbox.resolve(".failed"))));
        // nothing else is left behind: no orphan read-lock markers, no half-copied files
        try (Stream<Path> walk = Files.walk(inbox)) {
            List<Path> leftovers = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(inbox.resolve(".failed"))).toList();
            assertEquals(List.of(), leftovers);
        }
        assertEquals(200, Http.get(port, "/observe/health").statusCode());
        String health = Http.get(port, "/observe/health?data=true").body();
        assertTrue(health.contains("\"destinations\""), "the destinations check is registered: " + health);
        bundle.destroy(); // a normal stop (SIGTERM): the warehouse file is closed
        assertTrue(bundle.waitFor(60, TimeUnit.SECONDS));
        // and it says so: logging lasts until Camel has finished (log4j's own shutdown hook is off)
        String secondLog = Files.readString(ROOT.resolve("second.log"));
        assertTrue(secondLog.contains("(dicom-bq) shutdown in "), "no end of shutdown in the log:\n"
                + secondLog.substring(Math.max(0, secondLog.length() - 2000)));

        try (DuckDbWarehouse warehouse = new DuckDbWarehouse(ROOT.resolve("data"))) {
            warehouse.prepare(io.dicombq.warehouse.TableRef.parse("bq://local.dicom.instances"));
            Set<String> inView = new HashSet<>();
            for (Map<String, Object> row : warehouse.query("SELECT SOPInstanceUID FROM local.dicom.instances_view")) {
                inView.add((String) row.get("SOPInstanceUID"));
            }
            assertEquals(expected, inView, "killed with " + leftAfterKill + " files still in the inbox");
            long viewRows = ((Number) warehouse.query("SELECT count(*) AS n FROM local.dicom.instances_view")
                    .get(0).get("n")).longValue();
            assertEquals(INSTANCES, viewRows, "one view row per instance, whatever was sent twice");
        }
        Path failed = inbox.resolve(".failed/bad");
        assertTrue(Files.exists(failed.resolve("notes.txt.reason.txt")));
        assertTrue(Files.exists(failed.resolve("empty.dcm.reason.txt")));
        System.out.println("killed with " + leftAfterKill + " of " + (INSTANCES + 2) + " files still in the inbox");
    }

    private static long delivered(int port) throws Exception {
        double v = Http.sample(Http.get(port, "/observe/metrics").body(),
                "dicom_rows_delivered_total{destination=\"bq://local.dicom.instances\",type=\"INSERT\"}");
        return (long) v;
    }

    private static Process start(int port, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + port,
                // list every health check, so the test can see the destinations check is registered
                "-Dcamel.health.exposureLevel=full",
                "-cp", BundleJvm.classPath(), "io.dicombq.Application");
        pb.directory(ROOT.toFile());
        pb.environment().put("DICOM_INBOX_THREADS", "2");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ROOT.resolve(log).toFile());
        return pb.start();
    }


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
