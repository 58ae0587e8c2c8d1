package io.dicombq.api;

import io.dicombq.ops.Operations;
import io.dicombq.stream.StreamConfigs;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole bundle as `make run` starts it (every route and application.properties from the
 * classpath, embedded warehouse), on a free port with its folders under a test directory.
 * Only a route that is not deployed yet ({@code direct:import}) gets a stand-in. Also runnable on
 * its own ({@link #main}) so a test can start it in a JVM with a small heap.
 */
final class ApiTestServer implements AutoCloseable {
    static final String STORE = "projects/p1/locations/us/datasets/ds/dicomStores/st";
    static final String TABLE = "local.dicom.instances";

    final int port;
    final Path storeDir;
    final StandInRoutes standIns;
    private final Main main;

    ApiTestServer(Path dir, String tokens) throws Exception {
        this(dir, tokens, freePort());
    }

    ApiTestServer(Path dir, String tokens, int port) throws Exception {
        this.port = port;
        this.storeDir = dir.resolve("store");
        main = new Main();
        Map.of("camel.server.port", String.valueOf(port),
                "camel.management.port", String.valueOf(port),
                "dicom.inbox", dir.resolve("inbox").toString(),
                "dicom.store.dir", storeDir.toString(),
                "dicom.data", dir.resolve("data").toString(),
                "dicom.store.name", STORE,
                "dicom.stream-configs", "bq://" + TABLE,
                "dicom.api.tokens", tokens,
                "camel.main.shutdown-timeout", "5").forEach(main::addOverrideProperty);
        main.start();
        CamelContext context = main.getCamelContext();
        boolean importDeployed = context.getRoutes().stream().map(Route::getEndpoint)
                .anyMatch(e -> e.getEndpointUri().startsWith("direct://import"));
        standIns = importDeployed ? null : new StandInRoutes(context.getRegistry().lookupByNameAndType("operations", Operations.class));
        if (standIns != null) {
            context.addRoutes(standIns);
        }
    }

    <T> T bean(String name, Class<T> type) {
        return main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    StreamConfigs streamConfigs() {
        return bean("streamConfigs", StreamConfigs.class);
    }

    List<Map<String, Object>> query(String sql) throws Exception {
        return bean("warehouse", Warehouse.class).query(sql);
    }

    /** Where the store keeps an instance. */
    Path stored(String study, String series, String sop) {
        return storeDir.resolve("studies").resolve(study).resolve("series").resolve(series)
                .resolve("instances").resolve(sop + ".dcm");
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

    /** {@code ApiTestServer DIR PORT}: serve until killed (used by the small-heap test). */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        try (ApiTestServer server = new ApiTestServer(dir, "", Integer.parseInt(args[1]))) {
            System.out.println("READY " + server.port);
            Thread.currentThread().join();
        }
    }
}
