package io.dicombq.reliability;

import io.dicombq.testing.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.DicomInstanceReader;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.stream.DeadLetters;
import io.dicombq.stream.ReplayCommand;
import io.dicombq.warehouse.DuckDbWarehouse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dicom-bq replay} with the bundle stopped: the dead letters go straight into the embedded warehouse. */
class OfflineReplayTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replaysIntoTheWarehouseFileWhenNoBundleAnswers() throws Exception {
        Path root = Path.of("target/it/reliability/offline-replay").toAbsolutePath();
        Path data = root.resolve("data");
        MetadataRow row = instanceRow(root, 8, Instant.parse("2025-01-02T03:04:05.123456Z"));
        DeadLetters deadLetters = new DeadLetters(data.toString(), "store");
        deadLetters.append(new DeadLetters.Record("bq://local.dicom.offline", row, DeadLetters.errorOf(null), 6,
                Instant.parse("2025-01-02T03:04:06Z"), Instant.parse("2025-01-02T03:05:06Z")));

        String noBundle = "http://127.0.0.1:" + freePort();
        JsonNode first = replay(List.of("replay", "--url", noBundle, "--data", data.toString()));
        assertEquals(1, first.get("delivered").asInt());
        assertFalse(Files.exists(data.resolve("dead-letters/local.dicom.offline.ndjson")));
        JsonNode second = replay(List.of("replay", "--url", noBundle, "--data", data.toString(),
                "--destination", "bq://local.dicom.offline"));
        assertEquals(0, second.get("delivered").asInt());

        try (DuckDbWarehouse warehouse = new DuckDbWarehouse(data)) {
            warehouse.prepare(io.dicombq.warehouse.TableRef.parse("bq://local.dicom.offline"));
            List<Map<String, Object>> rows = warehouse.query(
                    "SELECT SOPInstanceUID, CAST(LastUpdated AS VARCHAR) AS t FROM local.dicom.offline_view");
            assertEquals(1, rows.size());
            assertEquals(TestInstances.sop(8, 1), rows.get(0).get("SOPInstanceUID"));
            assertTrue(String.valueOf(rows.get(0).get("t")).startsWith("2025-01-02 03:04:05.123456"), rows.toString());
        }
    }

    @Test
    void aDestinationSavedWithIncludeSourceStoreGetsTheColumnOffline() throws Exception {
        Path root = Path.of("target/it/reliability/offline-replay-source-store").toAbsolutePath();
        Path data = root.resolve("data");
        MetadataRow row = instanceRow(root, 9, Instant.parse("2025-01-02T03:04:05Z"));
        Files.createDirectories(data);
        // what a PATCH saves: one destination with the store's name, one without
        Files.writeString(data.resolve("stream-configs.json"), "{\"streamConfigs\": ["
                + "{\"bigqueryDestination\": {\"tableUri\": \"bq://local.dicom.withstore\", \"includeSourceStore\": true}},"
                + "{\"bigqueryDestination\": {\"tableUri\": \"bq://local.dicom.without\", \"includeSourceStore\": false}}]}");
        DeadLetters deadLetters = new DeadLetters(data.toString(), "store");
        for (String table : List.of("bq://local.dicom.withstore", "bq://local.dicom.without")) {
            deadLetters.append(new DeadLetters.Record(table, row, DeadLetters.errorOf(null), 6,
                    Instant.parse("2025-01-02T03:04:06Z"), Instant.parse("2025-01-02T03:05:06Z")));
        }

        JsonNode result = replay(List.of("replay", "--url", "http://127.0.0.1:" + freePort(), "--data", data.toString(),
                "--store", "projects/p/locations/l/datasets/d/dicomStores/s"));
        assertEquals(2, result.get("delivered").asInt());

        try (DuckDbWarehouse warehouse = new DuckDbWarehouse(data)) {
            warehouse.prepare(io.dicombq.warehouse.TableRef.parse("bq://local.dicom.withstore"));
            List<Map<String, Object>> with = warehouse.query("SELECT SourceDicomStore FROM local.dicom.withstore");
            assertEquals(List.of(Map.of("SourceDicomStore", "projects/p/locations/l/datasets/d/dicomStores/s")), with);
            List<Map<String, Object>> columns = warehouse.query("SELECT column_name FROM information_schema.columns "
                    + "WHERE table_catalog = 'local' AND table_name = 'without' AND column_name = 'SourceDicomStore'");
            assertTrue(columns.isEmpty(), columns.toString());
        }
    }

    /** A fresh {@code root} holding instance 1 of {@code study}, and the INSERT row the bundle made of it. */
    private static MetadataRow instanceRow(Path root, int study, Instant lastUpdated) throws Exception {
        TestDirs.deleteRecursively(root);
        Files.createDirectories(root);
        Path file = root.resolve("one.dcm");
        Files.write(file, TestInstances.instance(study, 1));
        return ServiceColumns.apply(new DicomInstanceReader().read(file).row(), ServiceColumns.INSERT,
                lastUpdated, Files.size(file), "STANDARD");
    }

    private static JsonNode replay(List<String> args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.subList(1, args.size()));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no bundle at"));
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
