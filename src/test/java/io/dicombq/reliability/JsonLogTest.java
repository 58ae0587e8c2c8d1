package io.dicombq.reliability;

import io.dicombq.testing.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LOG_FORMAT=json: every line is a Cloud Logging entry; a dead letter carries the stream error's fields and labels. */
class JsonLogTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void logLinesAreCloudLoggingJsonWithLabelsAndTheDeadLetterFields() throws Exception {
        Path dir = Path.of("target/it/reliability/json-log");
        TestDirs.deleteRecursively(dir);
        List<String> lines = run(dir, "json");
        List<JsonNode> entries = new ArrayList<>();
        for (String line : lines) {
            entries.add(JSON.readTree(line)); // throws on any line that is not JSON
        }
        JsonNode dead = entries.stream().filter(e -> "ERROR".equals(e.path("severity").asText())).findFirst().orElseThrow();
        assertEquals("projects/p/locations/l/datasets/d/dicomStores/s", dead.get("resource_name").asText());
        assertEquals("bq://p.d.t", dead.get("destination").asText());
        assertEquals(14, dead.get("error").get("code").asInt());
        assertEquals("connection refused", dead.get("error").get("message").asText());
        JsonNode labels = dead.get("logging.googleapis.com/labels");
        assertEquals("bq://p.d.t", labels.get("destination").asText());
        assertEquals("1.2.3.4", labels.get("sop_instance_uid").asText());
        assertEquals("projects/p/locations/l/datasets/d/dicomStores/s", labels.get("store").asText());

        JsonNode warning = entries.stream().filter(e -> "WARNING".equals(e.path("severity").asText())).findFirst().orElseThrow();
        assertEquals("a labelled warning", warning.get("message").asText());
        assertEquals("1.2.3.5", warning.get("logging.googleapis.com/labels").get("sop_instance_uid").asText());
        assertTrue(warning.path("resource_name").isMissingNode(), "only dead letters have the stream error fields");
    }

    @Test
    void withoutLogFormatTheLinesArePlainText() throws Exception {
        Path dir = Path.of("target/it/reliability/plain-log");
        TestDirs.deleteRecursively(dir);
        List<String> lines = run(dir, null);
        String dead = lines.stream().filter(l -> l.contains(" ERROR ")).findFirst().orElseThrow();
        assertTrue(dead.contains("destination=\"bq://p.d.t\""), dead);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("{")), String.join("\n", lines));
    }

    private static List<String> run(Path dir, String logFormat) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LogProbe.class.getName(), dir.toString());
        pb.environment().remove("LOG_FORMAT");
        if (logFormat != null) {
            pb.environment().put("LOG_FORMAT", logFormat);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
