package io.dicombq.bench;

import io.dicombq.bigquery.BigQueryClients;
import io.dicombq.bigquery.BigQueryRouteContext;
import io.dicombq.bigquery.CamelBigQueryDelivery;
import io.dicombq.row.MetadataRow;
import io.dicombq.stream.Destinations;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.CamelContext;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bundle's BigQuery delivery path for (g), wired as routes/beans.camel.yaml wires it:
 * {@link Destinations} (one group-commit writer per table, {@code dicom.bigquery.concurrent-inserts}
 * flushers) over {@link CamelBigQueryDelivery}, whose batches go through the bundle's own
 * routes/bigquery.camel.yaml (google-bigquery endpoint, the real client) to a BigQuery server.
 * Rows are handed in by as many threads as the drop folder uses ({@code dicom.inbox.threads}),
 * each waiting for its row's answer as a route thread does.
 */
final class BigQueryDelivery implements AutoCloseable {
    final int writerThreads;
    final int concurrentInserts;
    final int maxRows;
    private final BigQueryClients clients;
    private final BigQueryWarehouse tables;
    private final CamelContext context;
    private final CamelBigQueryDelivery delivery;
    private final Destinations destinations;
    private final ExecutorService routeThreads;

    /**
     * @param routes the bundle's routes folder; its application.properties (one level up) gives
     *               the settings, which system properties bench.g.threads / bench.g.inserts override
     */
    BigQueryDelivery(String bigQueryUrl, Path routes) throws Exception {
        Properties bundle = new Properties();
        try (Reader r = Files.newBufferedReader(routes.resolveSibling("application.properties"))) {
            bundle.load(r);
        }
        writerThreads = Integer.getInteger("bench.g.threads", intOf(bundle, "dicom.inbox.threads"));
        concurrentInserts = Integer.getInteger("bench.g.inserts", intOf(bundle, "dicom.bigquery.concurrent-inserts"));
        maxRows = intOf(bundle, "dicom.batch.max-rows");
        long lingerMs = intOf(bundle, "dicom.batch.linger-ms");

        clients = new BigQueryClients(bigQueryUrl, null);
        tables = new BigQueryWarehouse(clients);
        tables.setConcurrentInserts(concurrentInserts);
        BigQueryRouteContext wired = BigQueryRouteContext.start(tables,
                "file:" + routes.resolve("bigquery.camel.yaml").toAbsolutePath());
        context = wired.context();
        delivery = wired.delivery();
        routeThreads = Executors.newFixedThreadPool(writerThreads);
        destinations = new Destinations(delivery, "projects/local/locations/local/datasets/local/dicomStores/local",
                maxRows, lingerMs);
    }

    private static int intOf(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalStateException(key + " is missing from application.properties");
        }
        return Integer.parseInt(v.trim());
    }

    void prepare(TableRef table) throws Exception {
        delivery.prepare(table);
    }

    long rowCount(TableRef table) throws Exception {
        return tables.rowCount(table);
    }

    /**
     * Delivers every row, each waited for by one of the writer threads; throws the first failure.
     * The threads are started once, with the first call (as the bundle's route threads are: starting
     * 1,000 threads inside the timed part cost the bench's JVM ~3 % of its CPU there).
     */
    void deliver(TableRef table, List<MetadataRow> rows) throws Exception {
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        int threads = Math.min(writerThreads, rows.size());
        CountDownLatch finished = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            routeThreads.execute(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < rows.size() && failures.isEmpty(); i = next.getAndIncrement()) {
                        try {
                            destinations.write(table.uri(), rows.get(i));
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        if (!finished.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("BigQuery delivery did not finish in 10 minutes");
        }
        if (!failures.isEmpty()) {
            throw failures.peek();
        }
    }

    @Override
    public void close() throws Exception {
        routeThreads.shutdownNow();
        destinations.close();
        delivery.close();
        context.stop();
        clients.close();
    }
}
