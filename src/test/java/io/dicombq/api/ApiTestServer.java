package io.dicombq.api;

import io.dicombq.ops.Operations;
import io.dicombq.stream.StreamConfigs;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two API route files on a real platform-http server (Vert.x) on a free port, with the lead's
 * routes replaced by {@link StandInRoutes}. Also runnable on its own ({@link #main}) so a test can
 * start it in a JVM with a small heap.
 */
final class ApiTestServer implements AutoCloseable {
    static final String STORE = "projects/p1/locations/us/datasets/ds/dicomStores/st";

    final int port;
    final Path storeDir;
    final Operations operations = new Operations(STORE);
    final StreamConfigs streamConfigs = new StreamConfigs();
    final StandInRoutes standIns;
    private final Main main;

    ApiTestServer(Path storeDir, String tokens) throws Exception {
        this(storeDir, tokens, freePort());
    }

    ApiTestServer(Path storeDir, String tokens, int port) throws Exception {
        this.port = port;
        this.storeDir = storeDir;
        this.standIns = new StandInRoutes(storeDir, operations);
        main = new Main();
        main.addOverrideProperty("camel.server.enabled", "true");
        main.addOverrideProperty("camel.server.port", String.valueOf(port));
        main.addOverrideProperty("camel.management.port", String.valueOf(port));
        main.addOverrideProperty("dicom.store.dir", storeDir.toString());
        main.addOverrideProperty("dicom.store.name", STORE);
        main.addOverrideProperty("dicom.api.tokens", tokens);
        main.configure().withRoutesIncludePattern("classpath:camel/dicomweb.camel.yaml,classpath:camel/store-api.camel.yaml");
        main.configure().addRoutesBuilder(standIns);
        main.bind("streamConfigs", streamConfigs);
        main.bind("operations", operations);
        main.start();
    }

    String base() {
        return "http://localhost:" + port + "/v1/" + STORE;
    }

    String studies() {
        return base() + "/dicomWeb/studies";
    }

    @Override
    public void close() {
        main.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code ApiTestServer STORE_DIR PORT}: serve until killed (used by the small-heap test). */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        try (ApiTestServer server = new ApiTestServer(dir, "", Integer.parseInt(args[1]))) {
            System.out.println("READY " + server.port);
            Thread.currentThread().join();
        }
    }
}
