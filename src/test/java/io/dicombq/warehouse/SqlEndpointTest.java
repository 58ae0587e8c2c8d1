package io.dicombq.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY = "SELECT SOPInstanceUID, PatientName, StudyDate, LastUpdated, "
            + "RequestAttributesSequence[1].ProcedureCodeSequence[1].CodeValue AS code "
            + "FROM local.dicom.instances_view ORDER BY SOPInstanceUID";

    @TempDir
    Path dataDir;

    private DuckDbWarehouse warehouse;
    private SqlEndpoint endpoint;
    private final TableRef table = TableRef.parse("bq://local.dicom.instances");

    @BeforeEach
    void start() throws Exception {
        warehouse = new DuckDbWarehouse(dataDir);
        List<MetadataRow> rows = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            rows.add(TestRows.ct(1, 1, i));
        }
        warehouse.insert(table, rows);
        endpoint = new SqlEndpoint(warehouse, dataDir, 0);
        endpoint.start();
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.stop();
        warehouse.close();
    }

    /** Runs the client as the CLI does; returns {exit code, stdout, stderr}. */
    private Object[] client(String sql) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SqlClient.run(dataDir, sql, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private static List<JsonNode> lines(String text) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private static void assertRows(String stdout) throws Exception {
        List<JsonNode> rows = lines(stdout);
        assertEquals(3, rows.size(), stdout);
        JsonNode first = rows.get(0);
        assertEquals("1.2.826.0.1.3680043.8.498.1.1.1", first.get("SOPInstanceUID").asText());
        assertEquals("Doe", first.at("/PatientName/Alphabetic/FamilyName").asText());
        assertTrue(first.at("/PatientName/Ideographic").isNull());
        assertEquals("2024-04-30", first.get("StudyDate").asText());
        assertEquals("2024-05-01T10:00:00.001000Z", first.get("LastUpdated").asText());
        assertEquals("CTCHEST", first.get("code").asText());
    }

    @Test
    void clientUsesTheRunningEndpoint() throws Exception {
        Path portFile = dataDir.resolve(SqlEndpoint.PORT_FILE);
        assertEquals(Integer.toString(endpoint.port()), Files.readString(portFile).strip());

        Object[] result = client(QUERY);

        assertEquals(0, result[0], (String) result[2]);
        assertRows((String) result[1]);
        assertEquals(1, endpoint.queriesServed(), "the query went over HTTP");
    }

    @Test
    void endpointAnswersJsonLinesOverHttpOnLoopback() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI get = URI.create("http://127.0.0.1:" + endpoint.port() + "/query?q="
                + URLEncoder.encode(QUERY, StandardCharsets.UTF_8));
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        assertRows(ok.body());

        // The endpoint rejects writes itself, not only the client.
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                        + "/query")).POST(HttpRequest.BodyPublishers.ofString("DELETE FROM local.dicom.instances")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, write.statusCode());
        assertTrue(JSON.readTree(write.body()).get("error").asText().contains("read-only"), write.body());

        HttpResponse<String> sqlError = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                        + "/query")).POST(HttpRequest.BodyPublishers.ofString("SELECT * FROM local.dicom.nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, sqlError.statusCode());
        assertTrue(JSON.readTree(sqlError.body()).get("error").asText().contains("nope"), sqlError.body());
        assertEquals(3, warehouse.rowCount(table));
    }

    @Test
    void writeSqlIsRejectedEverywhere() throws Exception {
        for (String sql : List.of("DROP TABLE local.dicom.instances",
                "SELECT 1; DROP TABLE local.dicom.instances",
                "EXPLAIN ANALYZE DELETE FROM local.dicom.instances",
                "INSERT INTO local.dicom.instances (Type) VALUES ('x')")) {
            Object[] result = client(sql);
            assertEquals(SqlClient.QUERY_FAILED, result[0], sql);
            assertTrue(((String) result[2]).contains("read-only") || ((String) result[2]).contains("one statement"),
                    (String) result[2]);
            assertThrows(IllegalArgumentException.class, () -> warehouse.query(sql));
        }
        assertEquals(3, warehouse.rowCount(table));
    }

    @Test
    void describeAndShowWork() throws Exception {
        Object[] result = client("DESCRIBE local.dicom.instances");
        assertEquals(0, result[0], (String) result[2]);
        List<String> names = lines((String) result[1]).stream().map(n -> n.get("column_name").asText()).toList();
        assertTrue(names.containsAll(List.of("Type", "LastUpdated", "PatientName", "RequestAttributesSequence")),
                names.toString());

        result = client("SHOW ALL TABLES");
        assertEquals(0, result[0], (String) result[2]);
        List<String> tables = lines((String) result[1]).stream().map(n -> n.get("name").asText()).toList();
        assertTrue(tables.containsAll(List.of("instances", "instances_view")), tables.toString());
    }

    @Test
    void sqlErrorsGiveAClearMessage() {
        Object[] result = client("SELECT nosuchcolumn FROM local.dicom.instances");
        assertEquals(SqlClient.QUERY_FAILED, result[0]);
        assertTrue(((String) result[2]).startsWith("sql: ") && ((String) result[2]).contains("nosuchcolumn"),
                (String) result[2]);
    }

    @Test
    void withoutARunningApplicationTheClientReadsTheFilesDirectly() throws Exception {
        endpoint.stop();
        assertTrue(Files.notExists(dataDir.resolve(SqlEndpoint.PORT_FILE)), "stop removes the port file");
        warehouse.close(); // releases the DuckDB file lock, as when the application has exited

        Object[] result = client(QUERY);
        assertEquals(0, result[0], (String) result[2]);
        assertRows((String) result[1]);

        // One project file: dataset.table also works, as the file is the default catalog.
        result = client("SELECT count(*) AS n FROM dicom.instances");
        assertEquals("{\"n\":3}", ((String) result[1]).strip());

        // The client's own check stops writes before any file is opened.
        result = client("SELECT * FROM local.dicom.instances; DELETE FROM local.dicom.instances");
        assertEquals(SqlClient.QUERY_FAILED, result[0]);
        warehouse = new DuckDbWarehouse(dataDir); // for @AfterEach, and to check nothing changed
        assertEquals(3, warehouse.rowCount(table));
    }

    @Test
    void aStalePortFileFallsBackToTheFiles() throws Exception {
        endpoint.stop();
        warehouse.close();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Files.writeString(dataDir.resolve(SqlEndpoint.PORT_FILE), Integer.toString(deadPort));

        Object[] result = client(QUERY);

        assertEquals(0, result[0], (String) result[2]);
        assertRows((String) result[1]);
        warehouse = new DuckDbWarehouse(dataDir);
    }
}
