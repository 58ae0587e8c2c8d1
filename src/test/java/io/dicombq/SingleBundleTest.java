package io.dicombq;

import io.dicombq.testing.BundleJvm;
import io.dicombq.testing.TestDirs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A second bundle on the same data directory or HTTP port stops at once, saying which. */
class SingleBundleTest {
    static final Path ROOT = Path.of("target/it/single-bundle").toAbsolutePath();

    @Test
    void aSecondHolderOfTheDataDirectoryIsToldWhoHasIt() throws Exception {
        Path data = fresh("lock").resolve("data");
        try (SingleBundle.Held first = new SingleBundle.Held(data.toString(), 0)) {
            assertEquals(ProcessHandle.current().pid() + "\n",
                    Files.readString(data.resolve(SingleBundle.Held.LOCK_FILE), StandardCharsets.US_ASCII));
            SingleBundle.AlreadyRunning e = assertThrows(SingleBundle.AlreadyRunning.class,
                    () -> new SingleBundle.Held(data.toString(), 0));
            assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
        }
        new SingleBundle.Held(data.toString(), 0).close(); // released: the next bundle starts
    }

    @Test
    void aPortInUseIsNamedAndTheDataDirectoryIsLeftFree() throws Exception {
        Path data = fresh("port").resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            SingleBundle.AlreadyRunning e = assertThrows(SingleBundle.AlreadyRunning.class,
                    () -> new SingleBundle.Held(data.toString(), port));
            assertTrue(e.getMessage().contains("HTTP port " + port + " is in use"), e.getMessage());
        }
        new SingleBundle.Held(data.toString(), 0).close(); // the failed start did not keep the lock
    }

    /** The real bundle, as {@code java -jar} runs it: it exits with the message instead of staying up half-started. */
    @Test
    void aSecondBundleOnTheSameDataDirectoryExits() throws Exception {
        Path dir = fresh("process-data");
        try (SingleBundle.Held running = new SingleBundle.Held(dir.resolve("data").toString(), 0)) {
            String out = runBundle(dir, freePort());
            assertTrue(out.contains("dicom-bq did not start: Another dicom-bq bundle (process "
                    + ProcessHandle.current().pid() + ") is running on the data directory"), out);
            assertTrue(Files.notExists(dir.resolve("data/.sql-endpoint")), "no bean was made: " + out);
        }
    }

    @Test
    void aSecondBundleOnTheSameHttpPortExits() throws Exception {
        Path dir = fresh("process-port");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            String out = runBundle(dir, taken.getLocalPort());
            assertTrue(out.contains("dicom-bq did not start: The HTTP port " + taken.getLocalPort() + " is in use"), out);
        }
        assertTrue(Files.notExists(dir.resolve("store")), "no bean was made");
    }

    /** Starts the bundle in {@code dir}; returns its output once it has exited (non-zero), failing if it stays up. */
    private static String runBundle(Path dir, int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + port,
                "-cp", BundleJvm.classPath(), "io.dicombq.Application");
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("bundle.log").toFile());
        Process p = pb.start();
        try {
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            String out = Files.readString(dir.resolve("bundle.log"));
            assertTrue(exited, "the second bundle stayed up:\n" + out);
            assertNotEquals(0, p.exitValue(), out);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path fresh(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        TestDirs.deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }
}
