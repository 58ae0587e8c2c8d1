package io.dicombq.reliability;

import io.dicombq.ingest.FailedFolder;
import io.dicombq.ingest.InboxClaims;
import io.dicombq.ingest.SettledFiles;
import io.dicombq.observe.DeliveryMonitor;
import io.dicombq.observe.DestinationsHealthCheck;
import io.dicombq.store.DicomStore;
import io.dicombq.stream.DeadLetterReplay;
import io.dicombq.stream.DeadLetters;
import io.dicombq.stream.DeletionEnricher;
import io.dicombq.stream.Destinations;
import io.dicombq.stream.InstanceIntake;
import io.dicombq.stream.RetryTracker;
import io.dicombq.stream.StreamConfigs;
import io.dicombq.warehouse.DuckDbWarehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.main.Main;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The bundle's own routes and application.properties on camel-main, with the beans of
 * beans.camel.yaml built here instead, so that a test can take a destination down
 * ({@link OutageWarehouse}). Everything else — drop folder, fan-out, retries, dead letters,
 * replay, HTTP, health and metrics — is the real thing.
 */
final class InProcessBundle implements AutoCloseable {
    static final String STORE = "projects/p/locations/l/datasets/d/dicomStores/s";

    final Path root;
    final Path inbox;
    final OutageWarehouse warehouse;
    final DeliveryMonitor monitor = new DeliveryMonitor();
    final DeadLetters deadLetters;
    final DestinationsHealthCheck health;
    final int port;
    private final Main main;
    private final io.dicombq.stream.Destinations destinations;

    InProcessBundle(Path root, int port, String streamConfigs, Map<String, String> overrides) throws Exception {
        this.root = root.toAbsolutePath();
        this.inbox = this.root.resolve("inbox");
        this.port = port;
        Properties p = new Properties();
        p.put("dicom.inbox", inbox.toString());
        p.put("dicom.store.dir", this.root.resolve("store").toString());
        p.put("dicom.data", this.root.resolve("data").toString());
        p.put("dicom.store.name", STORE);
        p.put("dicom.stream-configs", streamConfigs);
        p.put("camel.server.port", String.valueOf(port));
        p.put("camel.management.port", String.valueOf(port));
        // the beans are bound below; beans.camel.yaml and the Cloud Storage routes stay out
        // (store-api.camel.yaml brings the API error handling and bearer check the /admin routes use)
        p.put("camel.main.routes-include-pattern", "classpath:camel/stream.camel.yaml,classpath:camel/destinations.camel.yaml,"
                + "classpath:camel/dead-letter.camel.yaml,classpath:camel/ingest-folder.camel.yaml,"
                + "classpath:camel/replay.camel.yaml,classpath:camel/store-api.camel.yaml");
        p.putAll(overrides);

        String data = p.getProperty("dicom.data");
        warehouse = new OutageWarehouse(new DuckDbWarehouse(Path.of(data)));
        DicomStore store = new DicomStore(p.getProperty("dicom.store.dir"));
        destinations = new Destinations(warehouse, STORE, 500, 0);
        StreamConfigs configs = new StreamConfigs(streamConfigs, data, destinations);
        deadLetters = new DeadLetters(data, STORE, monitor);
        health = new DestinationsHealthCheck(monitor, Long.parseLong(p.getProperty("dicom.health.failing-threshold-ms", "300000")));
        int maxRedeliveries = Integer.parseInt(p.getProperty("dicom.retry.max-redeliveries", "5"));

        main = new Main();
        main.setOverrideProperties(p);
        main.bind("dicomStore", store);
        main.bind("warehouse", warehouse);
        main.bind("destinations", destinations);
        main.bind("streamConfigs", configs);
        main.bind("instanceIntake", new InstanceIntake(store, 1_000_000));
        main.bind("deletionEnricher", new DeletionEnricher(store));
        main.bind("deadLetters", deadLetters);
        InboxClaims claims = new InboxClaims(inbox.toString());
        claims.recover();
        main.bind("inboxClaims", claims);
        main.bind("failedFolder", new FailedFolder(inbox.resolve(".failed").toString()));
        main.bind("settledFiles", new SettledFiles<>(300));
        main.bind("deliveryMonitor", monitor);
        main.bind("destinationsHealthCheck", health);
        main.bind("retryTracker", new RetryTracker(monitor, STORE, maxRedeliveries));
        main.bind("deadLetterReplay", new DeadLetterReplay(deadLetters, configs));
        main.start();
        CamelContext context = main.getCamelContext();
        for (Object bean : new Object[] {configs, monitor, health}) {
            if (bean instanceof CamelContextAware aware && aware.getCamelContext() == null) {
                aware.setCamelContext(context);
            }
        }
        ((CamelContextAware) context.getRegistry().lookupByName("deadLetterReplay")).setCamelContext(context);
    }

    /** A bundle on an empty {@code target/it/reliability/NAME}, whatever an earlier run left there. */
    static InProcessBundle fresh(String name, int port, String streamConfigs, Map<String, String> overrides)
            throws Exception {
        Path root = Path.of("target/it/reliability", name);
        io.dicombq.testing.TestDirs.deleteRecursively(root);
        return new InProcessBundle(root, port, streamConfigs, overrides);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    long count(String sql) throws Exception {
        return ((Number) warehouse.query(sql).get(0).values().iterator().next()).longValue();
    }

    @Override
    public void close() throws Exception {
        main.stop();
        destinations.close();
    }
}
