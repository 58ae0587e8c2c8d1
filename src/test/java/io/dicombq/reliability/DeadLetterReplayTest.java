package io.dicombq.reliability;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Destinations b and c are down: after the retries their rows go to the dead-letter files, the
 * inbox is still emptied, health turns DOWN and the metrics say so. Replays over HTTP deliver
 * what can be delivered, keep the rest, and never duplicate a row in the view.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadLetterReplayTest {
    static final String A = "bq://p.d.a";
    static final String B = "bq://p.d.b";
    static final String C = "bq://p.d.c";
    static final int N = 10;
    static final ObjectMapper JSON = new ObjectMapper();
    static InProcessBundle bundle;

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of("target/it/reliability/replay");
        TestDirs.deleteRecursively(root);
        bundle = new InProcessBundle(root, 18292, A + "," + B + "," + C, Map.of(
                "dicom.retry.max-redeliveries", "2",
                "dicom.retry.initial-delay-ms", "20",
                "dicom.health.failing-threshold-ms", "300"));
        bundle.warehouse.down(B);
        bundle.warehouse.down(C);
        for (int i = 0; i < N; i++) {
            TestInstances.drop(bundle.inbox, "study/i" + i + ".dcm", TestInstances.instance(2, i));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
    }

    @Test
    @Order(1)
    void rowsNoRetryCouldDeliverAreDeadLetteredAndTheSourceIsStillAcknowledged() throws Exception {
        Await.until("inbox acknowledged after dead-lettering", Duration.ofSeconds(30),
                () -> TestInstances.inboxFiles(bundle.inbox).isEmpty() && bundle.deadLetters.pending(C) == N);
        assertEquals(N, bundle.count("SELECT count(*) FROM p.d.a"));
        assertEquals(0, bundle.count("SELECT count(*) FROM p.d.b"));

        List<String> lines = Files.readAllLines(bundle.root.resolve("data/dead-letters/p.d.b.ndjson"));
        assertEquals(N, lines.size());
        Set<String> sops = new HashSet<>();
        for (String line : lines) {
            JsonNode r = JSON.readTree(line);
            assertEquals(B, r.get("destination").asText());
            assertEquals(InProcessBundle.STORE, r.get("resource_name").asText());
            assertEquals(14, r.get("error").get("code").asInt());
            assertTrue(r.get("error").get("message").asText().contains("connection refused"), line);
            assertEquals(3, r.get("attempts").asInt(), "the first try and two retries");
            Instant first = Instant.parse(r.get("firstFailureTime").asText());
            Instant last = Instant.parse(r.get("lastFailureTime").asText());
            assertTrue(first.isBefore(last), "retries took time: " + line);
            assertEquals("INSERT", r.get("row").get("Type").asText());
            assertTrue(r.get("row").hasNonNull("LastUpdated"));
            assertFalse(r.get("schema").isEmpty());
            sops.add(r.get("row").get("SOPInstanceUID").asText());
        }
        assertEquals(N, sops.size());
    }

    @Test
    @Order(2)
    void healthIsDownAndTheMetricsCountFailuresAndPendingDeadLetters() throws Exception {
        Await.until("health DOWN", Duration.ofSeconds(10),
                () -> Http.get(bundle.port, "/observe/health").statusCode() == 503);
        String health = Http.get(bundle.port, "/observe/health?data=true").body();
        assertTrue(health.contains("destinations"), health);

        String metrics = Http.get(bundle.port, "/observe/metrics").body();
        assertEquals(N, Http.sample(metrics, "dicom_instances_received_total{source=\"folder\"}"), metrics);
        assertEquals(N, Http.sample(metrics, "dicom_rows_delivered_total{destination=\"" + A + "\",type=\"INSERT\"}"));
        assertEquals(N, Http.sample(metrics, "dicom_rows_failed_total{destination=\"" + B + "\",type=\"INSERT\"}"));
        assertEquals(N, Http.sample(metrics, "dicom_dead_letters_pending{destination=\"" + C + "\"}"));
        assertEquals(N, Http.sample(metrics, "dicom_delivery_lag_seconds_count{destination=\"" + A + "\"}"));
        assertTrue(metrics.contains("dicom_delivery_lag_seconds_bucket{destination=\"" + A + "\",le="), "a histogram");
        // Camel's per-route counters and timers, and the JVM's own (README, "Health and metrics")
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("camel_exchanges_total{")
                && l.contains("routeId=\"ingest-folder\"")), "route counters");
        assertTrue(metrics.contains("camel_route_policy_seconds_count{"), "route timers");
        assertTrue(metrics.contains("jvm_memory_used_bytes{"), "JVM memory");
        // (jvm_gc_pause_seconds only appears after the first collection)
        assertTrue(metrics.contains("jvm_threads_live_threads"), "JVM threads");
        assertTrue(metrics.contains("process_cpu_usage"), "process CPU");
    }

    @Test
    @Order(3)
    void aReplayWhileStillDownKeepsEveryRowWithOneMoreAttempt() throws Exception {
        JsonNode result = replay(null);
        assertEquals(0, result.get("delivered").asInt());
        assertEquals(2 * N, result.get("failed").asInt());
        List<String> lines = Files.readAllLines(bundle.root.resolve("data/dead-letters/p.d.b.ndjson"));
        assertEquals(N, lines.size());
        assertEquals(4, JSON.readTree(lines.get(0)).get("attempts").asInt());
        assertEquals(N, bundle.deadLetters.pending(B));
    }

    @Test
    @Order(4)
    void aReplayDeliversWhatCanBeDeliveredAndKeepsTheRest() throws Exception {
        bundle.warehouse.up(B);
        JsonNode result = replay(null);
        assertEquals(N, result.get("delivered").asInt());
        assertEquals(N, result.get("failed").asInt(), "c is still down");
        assertEquals(N, bundle.count("SELECT count(*) FROM p.d.b"));
        assertFalse(Files.exists(bundle.root.resolve("data/dead-letters/p.d.b.ndjson")));
        assertEquals(N, Files.readAllLines(bundle.root.resolve("data/dead-letters/p.d.c.ndjson")).size());
        assertEquals(0, bundle.deadLetters.pending(B));
        assertEquals(N, result.get("pending").get(C).asInt());
    }

    @Test
    @Order(5)
    void replayingOneDestinationTwiceNeverDuplicatesAnInstanceInTheView() throws Exception {
        bundle.warehouse.up(C);
        assertEquals(N, replay(C).get("delivered").asInt());
        assertEquals(0, replay(C).get("delivered").asInt());
        // the command-line client talks to the same endpoint
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int rc = new io.dicombq.stream.ReplayCommand(new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                .run(List.of("--url", "http://127.0.0.1:" + bundle.port));
        assertEquals(0, rc);
        assertEquals(0, JSON.readTree(out.toString(StandardCharsets.UTF_8)).get("delivered").asInt());
        assertEquals(N, bundle.count("SELECT count(*) FROM p.d.c_view"));
        assertEquals(N, bundle.count("SELECT count(*) FROM p.d.c"));
        assertEquals(N, bundle.count("SELECT count(*) FROM p.d.b_view"));
        // the rows kept their event time: the view's LastUpdated is the one the store gave them
        assertEquals(bundle.count("SELECT count(DISTINCT LastUpdated) FROM p.d.a"),
                bundle.count("SELECT count(DISTINCT c.LastUpdated) FROM p.d.c c JOIN p.d.a a USING (SOPInstanceUID)"
                        + " WHERE a.LastUpdated = c.LastUpdated"));
        String metrics = Http.get(bundle.port, "/observe/metrics").body();
        assertEquals(0, Http.sample(metrics, "dicom_dead_letters_pending{destination=\"" + C + "\"}"));
        Await.until("health UP again", Duration.ofSeconds(10),
                () -> Http.get(bundle.port, "/observe/health").statusCode() == 200);
    }

    private static JsonNode replay(String destination) throws Exception {
        String q = destination == null ? "" : "?destination=" + URLEncoder.encode(destination, StandardCharsets.UTF_8);
        HttpResponse<String> r = Http.post(bundle.port, "/admin/dead-letters:replay" + q);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
