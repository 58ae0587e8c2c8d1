package io.dicombq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ParsedInstance;
import io.dicombq.row.DicomInstanceReader;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.DuckDbWarehouse;
import io.dicombq.warehouse.TableRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/dicom-bq}: rows, schema and sql as a user calls them. */
class DicomBqTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new DicomBq(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    @Test
    void rowsWalksDirectoriesAndReportsEachBadFileOnItsOwnLine() throws Exception {
        Files.createDirectories(dir.resolve("in/sub"));
        Files.copy(Path.of("samples/ct.dcm"), dir.resolve("in/a-ct.dcm"));
        Files.copy(Path.of("samples/sr.dcm"), dir.resolve("in/sub/b-sr.dcm"));
        Files.writeString(dir.resolve("in/notes.txt"), "not DICOM");

        int exit = run("rows", "--with-file", dir.resolve("in").toString());

        assertEquals(1, exit, "a bad file makes the exit non-zero");
        List<JsonNode> rows = lines();
        assertEquals(2, rows.size(), "the good files are still printed");
        assertEquals("CT", rows.get(0).get("Modality").asText());
        assertEquals("INSERT", rows.get(0).get("Type").asText());
        assertEquals(dir.resolve("in/a-ct.dcm").toString(), rows.get(0).get("_file").asText());
        assertEquals("SR", rows.get(1).get("Modality").asText());
        String[] errors = err.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(1, errors.length, err.toString(StandardCharsets.UTF_8));
        assertTrue(errors[0].startsWith(dir.resolve("in/notes.txt") + ": not DICOM"), errors[0]);
    }

    @Test
    void rowsPrintsWhatTheRoutesWouldSend() throws Exception {
        assertEquals(0, run("rows", "samples/mr.dcm"));
        JsonNode row = lines().get(0);
        ParsedInstance parsed = new DicomInstanceReader().read(Path.of("samples/mr.dcm"));
        MetadataRow expected = ServiceColumns.apply(parsed.row(), ServiceColumns.INSERT, Instant.now(),
                Files.size(Path.of("samples/mr.dcm")), "STANDARD");
        for (String column : expected.values().keySet()) {
            if (!column.equals(ServiceColumns.LAST_UPDATED)) {
                assertEquals(JSON.readTree(JSON.writeValueAsString(expected.get(column))), row.get(column), column);
            }
        }
        assertEquals(expected.values().size(), row.size());
    }

    @Test
    void schemaDeclaresEveryColumnTheRowsNeed() throws Exception {
        assertEquals(0, run("schema", "samples/ct.dcm", "samples/mr.dcm", "samples/sr.dcm"));
        JsonNode schema = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        schema.forEach(f -> names.add(f.get("name").asText()));
        assertTrue(names.containsAll(List.of("Type", "LastUpdated", "PatientName", "ContentSequence",
                "StudyInstanceUID")), names.toString());
        JsonNode pn = null;
        for (JsonNode f : schema) {
            if (f.get("name").asText().equals("PatientName")) {
                pn = f;
            }
        }
        assertEquals("RECORD", pn.get("type").asText());
        assertEquals("Alphabetic", pn.get("fields").get(0).get("name").asText());
    }

    @Test
    void sqlReadsTheEmbeddedWarehouseWhenNoBundleRuns() throws Exception {
        Path data = dir.resolve("data");
        try (DuckDbWarehouse warehouse = new DuckDbWarehouse(data)) {
            TableRef table = TableRef.parse("bq://local.dicom.instances");
            warehouse.prepare(table);
            ParsedInstance parsed = new DicomInstanceReader().read(Path.of("samples/ct.dcm"));
            warehouse.insert(table, List.of(ServiceColumns.apply(parsed.row(), ServiceColumns.INSERT,
                    Instant.parse("2024-05-01T10:00:00Z"), 10L, "STANDARD")));
        }
        assertEquals(0, run("sql", "--data", data.toString(),
                "SELECT Modality, LastUpdated FROM local.dicom.instances_view"));
        JsonNode row = lines().get(0);
        assertEquals("CT", row.get("Modality").asText());
        assertEquals("2024-05-01T10:00:00.000000Z", row.get("LastUpdated").asText());
        assertEquals(1, run("sql", "--data", data.toString(), "DROP TABLE local.dicom.instances"));
    }

    @Test
    void unknownCommandsShowTheUsage() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: dicom-bq rows"));
    }
}
