package io.dicombq.cli;

import io.dicombq.testing.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.warehouse.SqlClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's "Run with the Camel CLI" command, for real: {@code bin/camel run --dev routes/*.camel.yaml
 * processors/**}{@code /*.java application.properties} in a working directory with the project's
 * processors (linked), routes and application.properties (copied; a free port appended), so the CLI
 * reads the committed files, {@code camel.jbang.dependencies} included. Samples dropped into
 * {@code inbox/} before and after the drop-folder route is edited (and reloaded by {@code --dev})
 * must all leave it and be rows in the embedded warehouse once the CLI has been stopped.
 *
 * <p>Skipped, with the reason, only when the CLI itself cannot be had (no Maven, no Maven Central).
 * The first run on a machine downloads the CLI and the components (about a minute).
 */
class CamelCliRunTest {
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path WORK = PROJECT.resolve("target/it/camel-cli");
    static final String CT_SOP_UID = "1.2.826.0.1.3680043.10.1453.1.1.1";
    /** Generous: the first run resolves camel-jbang and downloads components from Maven Central. */
    static final Duration STARTUP = Duration.ofMinutes(5);

    Process camel;
    Path log;

    @AfterEach
    void stopCamel() throws InterruptedException {
        if (camel != null && camel.isAlive()) {
            camel.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void camelRunIngestsDroppedSamplesAcrossARouteReload() throws Exception {
        cliOrSkip();
        TestDirs.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Files.createSymbolicLink(WORK.resolve("processors"), PROJECT.resolve("processors"));
        // routes copied, not linked: the test edits one of them while the bundle runs
        Files.createDirectories(WORK.resolve("routes"));
        for (String route : relativeFiles("routes", ".camel.yaml")) {
            Files.copy(PROJECT.resolve(route), WORK.resolve(route));
        }
        // the project's settings, with a free HTTP port appended (a later key wins): under `camel run`
        // the file's camel.server.port beats both --port and CAMEL_SERVER_PORT
        int port = freePort();
        Files.writeString(WORK.resolve("application.properties"),
                Files.readString(PROJECT.resolve("application.properties"))
                        + "\ncamel.server.port = " + port + "\ncamel.management.port = " + port + "\n");

        List<String> command = new ArrayList<>(List.of(PROJECT.resolve("bin/camel").toString(), "run", "--dev",
                "--logging-color=false"));
        command.addAll(relativeFiles("routes", ".camel.yaml"));
        command.addAll(relativeFiles("processors", ".java"));
        command.add("application.properties");
        log = WORK.resolve("camel.log");
        camel = new ProcessBuilder(command).directory(WORK.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();

        awaitOrFail(STARTUP, () -> healthUp(port), "the bundle to report UP on /observe/health");

        Path inbox = WORK.resolve("inbox");
        Files.createDirectories(inbox);
        drop("ct.dcm", inbox);
        drop("sr.dcm", inbox);
        // edit the drop-folder route while those two are being taken: --dev replaces it
        Path route = WORK.resolve("routes/ingest-folder.camel.yaml");
        Files.writeString(route, Files.readString(route).replace("delay: 200", "delay: 100"));
        awaitOrFail(Duration.ofMinutes(1), () -> logText().contains("Routes reloaded summary")
                && logText().contains("Started ingest-folder (file://inbox) (source: ingest-folder.camel.yaml"),
                "the edited ingest-folder route to be reloaded");
        drop("mr.dcm", inbox);
        // a file leaves the inbox only after every destination took its row (or dead-lettered it)
        awaitOrFail(Duration.ofMinutes(1), () -> listInbox(inbox).isEmpty(), "the inbox to be emptied");

        camel.destroy(); // SIGTERM: the CLI shuts Camel down gracefully and releases the DuckDB file
        assertTrue(camel.waitFor(60, TimeUnit.SECONDS), "camel run did not stop on SIGTERM\n" + logTail());

        assertTrue(Files.notExists(inbox.resolve(".failed")), "a sample was rejected\n" + logTail());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = SqlClient.run(WORK.resolve("data"),
                "SELECT SOPInstanceUID, Modality, Type FROM local.dicom.instances ORDER BY Modality",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(SqlClient.OK, rc, () -> err.toString(StandardCharsets.UTF_8) + "\n" + logTail());
        List<String> rows = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, rows.size(), () -> "rows: " + rows + "\n" + logTail());
        ObjectMapper json = new ObjectMapper();
        List<String> modalities = new ArrayList<>();
        for (String line : rows) {
            JsonNode row = json.readTree(line);
            assertEquals("INSERT", row.get("Type").asText());
            modalities.add(row.get("Modality").asText());
            if ("CT".equals(row.get("Modality").asText())) {
                assertEquals(CT_SOP_UID, row.get("SOPInstanceUID").asText());
            }
        }
        assertEquals(List.of("CT", "MR", "SR"), modalities);
    }

    /** Copies a sample in under a hidden name (the drop folder ignores those), then renames it in one step. */
    static void drop(String sample, Path inbox) throws IOException {
        Path part = inbox.resolve("." + sample + ".part");
        Files.copy(PROJECT.resolve("samples").resolve(sample), part);
        Files.move(part, inbox.resolve(sample), StandardCopyOption.ATOMIC_MOVE);
    }

    static List<Path> listInbox(Path inbox) {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Resolves (first run) and starts the launcher once; skips the test if that is impossible here. */
    static void cliOrSkip() throws IOException, InterruptedException {
        Path out = Files.createTempFile("camel-version", ".txt");
        try {
            Process p = new ProcessBuilder(PROJECT.resolve("bin/camel").toString(), "--version")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(out);
            Assumptions.assumeTrue(done && p.exitValue() == 0,
                    "skipped: the Camel CLI (bin/camel) could not be resolved or started here:\n" + text);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Files under {@code dir} ending in {@code suffix}, relative to the working directory, as a shell glob gives them. */
    static List<String> relativeFiles(String dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(PROJECT.resolve(dir))) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
                    .map(p -> dir + "/" + PROJECT.resolve(dir).relativize(p))
                    .sorted().toList();
        }
    }

    boolean healthUp(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls until {@code condition} holds; fails with the CLI's log if it exits or the time runs out. */
    void awaitOrFail(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (!camel.isAlive()) {
                fail("camel run exited (" + camel.exitValue() + ") while waiting for " + what + "\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                fail("gave up after " + limit.toSeconds() + " s waiting for " + what + "\n" + logTail());
            }
            Thread.sleep(250);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
