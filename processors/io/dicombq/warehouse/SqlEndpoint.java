package io.dicombq.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets {@code bin/dicom-bq sql} query the warehouse while the application holds the DuckDB
 * files open (DuckDB allows one writing process per file). Listens on 127.0.0.1 only and
 * answers one JSON object per line; its port is published in {@code dataDir/.sql-endpoint}
 * while it runs.
 *
 * <pre>
 * POST /query          body: the SQL text          -> 200 application/x-ndjson
 * GET  /query?q=SQL                                 -> same
 * errors                                            -> 400 {"error": "..."}
 * </pre>
 */
public final class SqlEndpoint implements AutoCloseable {

    /** The file (in the data directory) that holds the running endpoint's port. */
    public static final String PORT_FILE = ".sql-endpoint";

    private static final Logger LOG = LoggerFactory.getLogger(SqlEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Warehouse warehouse;
    private final Path portFile;
    private final int requestedPort;
    private final AtomicLong queriesServed = new AtomicLong();
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param port 0 for an ephemeral port
     */
    public SqlEndpoint(Warehouse warehouse, String dataDir, int port) {
        this(warehouse, Path.of(dataDir), port);
    }

    SqlEndpoint(Warehouse warehouse, Path dataDir, int port) {
        this.warehouse = warehouse;
        this.portFile = dataDir.resolve(PORT_FILE);
        this.requestedPort = port;
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sql-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/query", this::handle);
        server.start();
        Files.createDirectories(portFile.getParent());
        Path tmp = portFile.resolveSibling(PORT_FILE + ".tmp");
        Files.writeString(tmp, Integer.toString(port()));
        Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("SQL endpoint on http://127.0.0.1:{}/query", port());
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("SQL endpoint not started");
        }
        return server.getAddress().getPort();
    }

    /** Queries answered with rows so far (for metrics, and to tell which path a client took). */
    public long queriesServed() {
        return queriesServed.get();
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            // Only our own file: another instance may have started on the same data directory since.
            if (Files.exists(portFile) && Files.readString(portFile).strip().equals(Integer.toString(port()))) {
                Files.delete(portFile);
            }
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", portFile, e.toString());
        }
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String sql;
            if ("POST".equals(exchange.getRequestMethod())) {
                sql = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            } else if ("GET".equals(exchange.getRequestMethod())) {
                sql = queryParameter(exchange.getRequestURI().getRawQuery(), "q");
            } else {
                exchange.getResponseHeaders().set("Allow", "GET, POST");
                error(exchange, 405, "use POST with the SQL as body, or GET ?q=SQL");
                return;
            }
            try {
                ReadOnlySql.check(sql);
            } catch (IllegalArgumentException e) {
                error(exchange, 400, e.getMessage());
                return;
            }
            List<Map<String, Object>> rows;
            try {
                rows = warehouse.query(sql);
            } catch (Exception e) {
                error(exchange, 400, message(e));
                return;
            }
            queriesServed.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody())) {
                for (Map<String, Object> row : rows) {
                    out.write(JSON.writeValueAsBytes(row));
                    out.write('\n');
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("SQL endpoint client went away: {}", e.toString());
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (JSON.writeValueAsString(Map.of("error", message)) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return "";
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    static String message(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.strip();
    }
}
