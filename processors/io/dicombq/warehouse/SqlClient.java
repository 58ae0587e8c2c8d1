package io.dicombq.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/dicom-bq sql 'QUERY'}: asks the running application's {@link SqlEndpoint} when
 * there is one (the application keeps the DuckDB files locked), otherwise opens the files of
 * the data directory itself, read-only, each attached under its project name. Either way it
 * prints one JSON object per line.
 */
public final class SqlClient {

    /** Exit codes. */
    public static final int OK = 0;
    public static final int QUERY_FAILED = 1;
    public static final int NO_WAREHOUSE = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqlClient() {
    }

    /** {@code SqlClient DATA_DIR 'QUERY'}. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SqlClient DATA_DIR 'SELECT ...'");
            System.exit(NO_WAREHOUSE);
        }
        System.exit(run(Path.of(args[0]), args[1], System.out));
    }

    /** Runs the query, rows to {@code out}, errors to standard error; returns the exit code. */
    public static int run(Path dataDir, String sql, PrintStream out) {
        return run(dataDir, sql, out, System.err);
    }

    public static int run(Path dataDir, String sql, PrintStream out, PrintStream err) {
        try {
            ReadOnlySql.check(sql);
        } catch (IllegalArgumentException e) {
            err.println("sql: " + e.getMessage());
            return QUERY_FAILED;
        }
        Integer answered = viaEndpoint(dataDir, sql, out, err);
        if (answered != null) {
            return answered;
        }
        return direct(dataDir, sql, out, err);
    }

    /** The exit code, or null when no endpoint answers (none published, or a stale port file). */
    private static Integer viaEndpoint(Path dataDir, String sql, PrintStream out, PrintStream err) {
        Path portFile = dataDir.resolve(SqlEndpoint.PORT_FILE);
        int port;
        try {
            port = Integer.parseInt(Files.readString(portFile).strip());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return null; // nothing listens there any more: the application is gone, read the files
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sql: interrupted");
            return QUERY_FAILED;
        }
        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                String text = body.lines().reduce("", (a, b) -> a + b);
                err.println("sql: " + errorMessage(text, response.statusCode()));
                return QUERY_FAILED;
            }
            String line;
            while ((line = body.readLine()) != null) {
                out.println(line);
            }
            out.flush();
            return OK;
        } catch (IOException e) {
            err.println("sql: reading the answer of the SQL endpoint failed: " + e.getMessage());
            return QUERY_FAILED;
        }
    }

    private static String errorMessage(String body, int status) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show it as it came
        }
        return "HTTP " + status + " " + body;
    }

    private static int direct(Path dataDir, String sql, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dataDir)) {
            try (var list = Files.list(dataDir)) {
                list.filter(p -> p.getFileName().toString().endsWith(".duckdb") && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            } catch (IOException e) {
                err.println("sql: cannot list " + dataDir + ": " + e.getMessage());
                return NO_WAREHOUSE;
            }
        }
        try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = conn.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
            for (Path file : files) {
                String name = file.getFileName().toString();
                String project = name.substring(0, name.length() - ".duckdb".length());
                try {
                    st.execute("ATTACH " + DuckDbTypes.literal(file.toAbsolutePath().toString()) + " AS "
                            + DuckDbTypes.quote(project) + " (READ_ONLY)");
                } catch (SQLException e) {
                    err.println("sql: cannot open " + file + " (is the application running without its SQL endpoint?): "
                            + firstLine(e));
                    return NO_WAREHOUSE;
                }
            }
            if (files.size() == 1) {
                // One project: its tables can also be named without the project, as dataset.table.
                String name = files.get(0).getFileName().toString();
                st.execute("USE " + DuckDbTypes.quote(name.substring(0, name.length() - ".duckdb".length())));
            }
            st.execute("BEGIN TRANSACTION READ ONLY");
            try (ResultSet rs = st.executeQuery(ReadOnlySql.check(sql))) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    out.println(JSON.writeValueAsString(JdbcValues.row(rs, meta)));
                }
            }
            out.flush();
            return OK;
        } catch (SQLException e) {
            err.println("sql: " + String.valueOf(e.getMessage()).strip()); // DuckDB adds LINE/caret hints
            return QUERY_FAILED;
        } catch (IOException e) {
            err.println("sql: " + e.getMessage());
            return QUERY_FAILED;
        }
    }

    private static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
