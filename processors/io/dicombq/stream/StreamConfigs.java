package io.dicombq.stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The store's stream configs (up to five BigQuery destinations) and the destination routes
 * made for them from the {@code destination} route template. The list is persisted under the
 * data folder, so a PATCH survives a restart; before any PATCH it comes from
 * {@code dicom.stream-configs}.
 */
public final class StreamConfigs implements CamelContextAware {
    public static final int MAX_CONFIGS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(StreamConfigs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Destinations destinations;
    private CamelContext camelContext;
    private volatile List<StreamConfig> configs;
    private volatile List<String> endpoints = List.of();
    private boolean routesApplied;

    /**
     * @param initial comma-separated {@code bq://} URIs used until the list is first replaced
     * @param dataDir where {@code stream-configs.json} is kept
     */
    public StreamConfigs(String initial, String dataDir, Destinations destinations) throws IOException {
        this.file = fileIn(dataDir);
        this.destinations = destinations;
        this.configs = Files.exists(file) ? load(file) : parseInitial(initial);
    }

    public List<StreamConfig> list() {
        return configs;
    }

    /**
     * The list last saved under {@code dataDir} by a PATCH, read without a running bundle (the
     * offline dead-letter replay); empty when none was ever saved.
     */
    public static List<StreamConfig> saved(String dataDir) throws IOException {
        Path f = fileIn(dataDir);
        return Files.exists(f) ? load(f) : List.of();
    }

    private static Path fileIn(String dataDir) {
        return Path.of(dataDir).resolve("stream-configs.json");
    }

    /** Endpoints of every destination route, creating the routes first if needed (recipient list of the fan-out). */
    public List<String> endpoints() throws Exception {
        if (!routesApplied) {
            awaitCamelStarted();
            synchronized (this) {
                if (!routesApplied) {
                    applyRoutes(configs);
                    routesApplied = true;
                }
            }
        }
        return endpoints;
    }

    /** Whether there is exactly one destination: the fan-out then writes on the caller's own thread. */
    public boolean single() throws Exception {
        return endpoints().size() == 1;
    }

    /**
     * A route added while Camel is still starting is not always started with the others (it stays
     * stopped under the Camel CLI), so the first caller waits until start-up is over. Callers are
     * route threads (the start-up timer, ingest threads), never the thread that starts Camel.
     */
    private void awaitCamelStarted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!camelContext.isStarted() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Validates, persists and applies a new list: new destinations get their routes, removed ones stop. */
    public synchronized void replace(List<StreamConfig> next) throws Exception {
        validate(next);
        save(next);
        this.configs = List.copyOf(next);
        applyRoutes(configs);
        routesApplied = true;
        LOG.info("Stream configs are now {}", describe(configs));
    }

    public static void validate(List<StreamConfig> list) {
        if (list.size() > MAX_CONFIGS) {
            throw new IllegalArgumentException("streamConfigs: at most " + MAX_CONFIGS + " stream configs are allowed, got "
                    + list.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String uri = list.get(i).table().uri();
            if (!seen.add(uri)) {
                throw new IllegalArgumentException("streamConfigs[" + i + "].bigqueryDestination.tableUri: duplicate "
                        + uri);
            }
        }
    }

    private void applyRoutes(List<StreamConfig> wanted) throws Exception {
        Set<String> wantedIds = new HashSet<>();
        List<String> eps = new ArrayList<>();
        for (StreamConfig c : wanted) {
            wantedIds.add(c.routeId());
            eps.add(c.endpoint());
            destinations.configure(c);
            if (camelContext.getRoute(c.routeId()) == null) {
                destinations.prepare(c.table());
                TemplatedRouteBuilder.builder(camelContext, "destination")
                        .routeId(c.routeId())
                        .parameter("destinationId", c.table().id())
                        .parameter("tableUri", c.table().uri())
                        .add();
                camelContext.getRouteController().startRoute(c.routeId());
                LOG.info("Destination {} is streaming (route {})", c.table(), c.routeId());
            }
        }
        // publish the new fan-out list before stopping removed routes, so no row is sent to a stopped route
        this.endpoints = List.copyOf(eps);
        for (Route r : new ArrayList<>(camelContext.getRoutes())) {
            if (r.getRouteId().startsWith("destination-") && !wantedIds.contains(r.getRouteId())) {
                camelContext.getRouteController().stopRoute(r.getRouteId());
                camelContext.removeRoute(r.getRouteId());
                LOG.info("Destination route {} removed", r.getRouteId());
            }
        }
    }

    private void save(List<StreamConfig> list) throws IOException {
        List<Map<String, Object>> json = new ArrayList<>();
        for (StreamConfig c : list) {
            Map<String, Object> dest = new LinkedHashMap<>();
            dest.put("tableUri", c.table().uri());
            dest.put("includeSourceStore", c.includeSourceStore());
            json.add(Map.of("bigqueryDestination", dest));
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), Map.of("streamConfigs", json));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @SuppressWarnings("unchecked")
    private static List<StreamConfig> load(Path file) throws IOException {
        Map<String, Object> json = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {
        });
        List<StreamConfig> out = new ArrayList<>();
        for (Object o : (List<Object>) json.getOrDefault("streamConfigs", List.of())) {
            Map<String, Object> dest = (Map<String, Object>) ((Map<String, Object>) o).get("bigqueryDestination");
            out.add(new StreamConfig(TableRef.parse((String) dest.get("tableUri")),
                    Boolean.TRUE.equals(dest.get("includeSourceStore"))));
        }
        validate(out);
        return List.copyOf(out);
    }

    private static List<StreamConfig> parseInitial(String initial) {
        List<StreamConfig> out = new ArrayList<>();
        if (initial != null) {
            for (String uri : initial.split(",")) {
                if (!uri.isBlank()) {
                    out.add(new StreamConfig(TableRef.parse(uri.trim()), false));
                }
            }
        }
        validate(out);
        return List.copyOf(out);
    }

    private static String describe(List<StreamConfig> list) {
        return list.stream().map(c -> c.table().uri()).toList().toString();
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
