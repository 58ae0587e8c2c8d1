package io.dicombq.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dicombq.row.MetadataRow;
import io.dicombq.store.DicomStore;
import io.dicombq.store.StoredInstance;
import io.dicombq.stream.Destinations;
import io.dicombq.stream.InstanceIntake;
import io.dicombq.warehouse.DuckDbWarehouse;
import io.dicombq.warehouse.TableRef;
import io.dicombq.testing.ForwardingWarehouse;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The parts of one STOW-RS request are in flight together: {@link StowRequest} on a Camel context
 * whose {@code direct:stream-instance} is the bundle's intake (real store, real DICOM) followed by
 * the real group-commit {@link Destinations} over an embedded warehouse that records every batch.
 * Nothing here passes or fails on timing: a batch closes only when full (the linger is a minute),
 * and a held part waits for a latch; the class timeout only ends a run that would hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StowPartsInFlightTest {
    static final String STUDY = "1.2.826.0.1.3680043.8.498.77";
    static final String SERIES = STUDY + ".1";
    static final String TABLE = "bq://local.dicom.batches";

    @TempDir
    static Path files;
    static List<Path> instances = new ArrayList<>();

    @TempDir
    Path dir;
    private CamelContext context;
    private Destinations destinations;
    private final RecordingWarehouse warehouse = new RecordingWarehouse();
    /** what the stand-in ingest route does before the intake (per test) */
    private volatile PartHook hook = sop -> { };
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    interface PartHook {
        void before(String sop) throws Exception;
    }

    @BeforeAll
    static void makeInstances() throws Exception {
        assumeTrue(TestDicom.available(), "dcmtk's dump2dcm is needed (scripts/setup.sh installs it)");
        for (int i = 1; i <= 8; i++) {
            instances.add(TestDicom.instance(files, STUDY, SERIES, SERIES + "." + i));
        }
    }

    /** The bundle's ingest path with a batch of {@code maxRows} rows that waits (a minute) until it is full. */
    private void start(int parallelParts, int maxRows) throws Exception {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        InstanceIntake intake = new InstanceIntake(store, 1_000_000);
        warehouse.real = new DuckDbWarehouse(dir.resolve("data"));
        warehouse.prepare(TableRef.parse(TABLE));
        destinations = new Destinations(warehouse, "projects/p/locations/l/datasets/d/dicomStores/s", maxRows, 60_000);
        context = new DefaultCamelContext();
        ThreadPoolProfile profile = new ThreadPoolProfile(StowRequest.POOL);
        // as in application.properties (pool-size 0 would make Camel build a one-thread pool)
        profile.setPoolSize(1);
        profile.setMaxPoolSize(100);
        profile.setMaxQueueSize(0);
        context.getExecutorServiceManager().registerThreadPoolProfile(profile);
        StowRequest stow = new StowRequest(dir.resolve("store").toString(), parallelParts);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:stow").process(stow);
                from(StowRequest.INGEST)
                        .process(ex -> {
                            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            try {
                                hook.before(PartUids.of(ex.getMessage().getBody(Path.class)).sopInstanceUid());
                            } catch (Exception e) {
                                inFlight.decrementAndGet();
                                throw e;
                            }
                        })
                        .bean(intake, "store")
                        .process(ex -> {
                            try {
                                destinations.write(TABLE, ex.getMessage().getBody(StoredInstance.class).row());
                            } finally {
                                inFlight.decrementAndGet();
                            }
                        });
            }
        });
        context.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (destinations != null) {
            destinations.close();
        }
        if (warehouse.real != null) {
            warehouse.real.close();
        }
    }

    private JsonNode stow(List<Path> parts, int expectedStatus) throws Exception {
        HttpEntity body = Http.stowBody(parts.toArray(Path[]::new));
        Exchange result = context.createProducerTemplate().request("direct:stow", ex -> {
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, body.getContentType());
            ex.getMessage().setHeader(Exchange.HTTP_URL, "http://localhost/v1/x/dicomWeb/studies");
            ex.getMessage().setBody(body.getContent());
        });
        if (result.getException() != null) {
            throw result.getException();
        }
        assertEquals(expectedStatus, result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        return Http.JSON.valueToTree(result.getMessage().getBody());
    }

    @Test
    void thePartsOfOneRequestShareInsertBatchesUpToTheBound() throws Exception {
        // 4 parts at most in flight, batches of exactly 4 rows: 8 parts can only be stored as two full
        // batches of 4 rows each; parts delivered one by one would leave each row alone in a batch
        // waiting for 3 more that never come (until the minute's linger: then the assertion fails)
        start(4, 4);
        JsonNode json = stow(instances, 200);
        assertEquals(List.of(4, 4), warehouse.batchSizes());
        assertEquals(4, maxInFlight.get(), "the reader waits at dicom.stow.parallel-parts");
        // the first batch holds the first four parts (in whatever order they reached the writer)
        assertEquals(List.of(SERIES + ".1", SERIES + ".2", SERIES + ".3", SERIES + ".4"),
                warehouse.batches.get(0).stream().sorted().toList());
        assertInBodyOrder(json.at("/00081199/Value"), 1, 8);
        assertEquals(8L, warehouse.real.rowCount(TableRef.parse(TABLE)));
        assertNoLeftovers();
    }

    @Test
    void answersInBodyOrderWhenTheFirstPartFinishesLast() throws Exception {
        // part 1 is held until parts 2-5 are in the warehouse: it can only finish last when they
        // were all in flight with it, and the answer must still list it first
        start(8, 1);
        CountDownLatch othersDone = new CountDownLatch(4);
        warehouse.afterInsert = othersDone::countDown;
        hook = sop -> {
            if (sop.equals(SERIES + ".1")) {
                assertTrue(othersDone.await(60, TimeUnit.SECONDS), "parts 2-5 were not delivered while part 1 waited");
            }
        };
        JsonNode json = stow(instances.subList(0, 5), 200);
        assertInBodyOrder(json.at("/00081199/Value"), 1, 5);
        assertEquals(SERIES + ".1", warehouse.batches.get(4).get(0), "part 1 was committed last");
        assertNoLeftovers();
    }

    @Test
    void goodAndBadPartsFinishingOutOfOrderAreAnsweredInBodyOrder() throws Exception {
        start(8, 1);
        // part 2 (bad) is held until the good parts after it are committed
        CountDownLatch goodDone = new CountDownLatch(3);
        warehouse.afterInsert = goodDone::countDown;
        Path notDicom = Files.writeString(dir.resolve("not.dcm"), "this is not DICOM at all");
        Path otherStudy = TestDicom.instance(dir.resolve("other"), "1.2.826.0.1.3680043.8.498.78",
                "1.2.826.0.1.3680043.8.498.78.1", "1.2.826.0.1.3680043.8.498.78.1.1");
        hook = sop -> {
            if (sop == null) {
                assertTrue(goodDone.await(60, TimeUnit.SECONDS), "the good parts were not delivered meanwhile");
            }
        };
        HttpEntity body = Http.stowBody()
                .addBinaryBody("f", instances.get(0).toFile(), Http.DICOM, null)
                .addBinaryBody("f", notDicom.toFile(), Http.DICOM, null)
                .addBinaryBody("f", instances.get(1).toFile(), Http.DICOM, null)
                .addTextBody("f", "a text part", org.apache.hc.core5.http.ContentType.TEXT_PLAIN)
                .addBinaryBody("f", otherStudy.toFile(), Http.DICOM, null)
                .addBinaryBody("f", instances.get(2).toFile(), Http.DICOM, null)
                .build();
        Exchange result = context.createProducerTemplate().request("direct:stow", ex -> {
            ex.getMessage().setHeader("study", STUDY);
            ex.getMessage().setHeader(Exchange.CONTENT_TYPE, body.getContentType());
            ex.getMessage().setHeader(Exchange.HTTP_URL, "http://localhost/v1/x/dicomWeb/studies/" + STUDY);
            ex.getMessage().setBody(body.getContent());
        });
        assertEquals(202, result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class));
        JsonNode json = Http.JSON.valueToTree(result.getMessage().getBody());
        assertInBodyOrder(json.at("/00081199/Value"), 1, 3);
        JsonNode failed = json.at("/00081198/Value");
        assertEquals(3, failed.size());
        assertEquals(StoreResponse.CANNOT_UNDERSTAND, failed.get(0).at("/00081197/Value/0").asInt());
        assertEquals(StoreResponse.CANNOT_UNDERSTAND, failed.get(1).at("/00081197/Value/0").asInt());
        assertEquals(StoreResponse.DOES_NOT_MATCH, failed.get(2).at("/00081197/Value/0").asInt());
        assertEquals("1.2.826.0.1.3680043.8.498.78.1.1", failed.get(2).at("/00081155/Value/0").asText());
        assertNoLeftovers();
    }

    @Test
    void theLastPartRunsOnTheRequestsOwnThreadTheOthersOnThePool() throws Exception {
        start(8, 1);
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        hook = sop -> threads.put(sop, Thread.currentThread());
        // direct:stow runs StowRequest on this thread, as platform-http runs it on the request's
        JsonNode json = stow(instances.subList(0, 3), 200);
        assertInBodyOrder(json.at("/00081199/Value"), 1, 3);
        assertEquals(Thread.currentThread(), threads.get(SERIES + ".3"), "the last part: no hand-off");
        assertTrue(threads.get(SERIES + ".1") != Thread.currentThread()
                && threads.get(SERIES + ".2") != Thread.currentThread(), "parts 1 and 2 went to the pool");

        stow(instances.subList(3, 4), 200);
        assertEquals(Thread.currentThread(), threads.get(SERIES + ".4"), "the only part of a request");
        assertEquals(4L, warehouse.real.rowCount(TableRef.parse(TABLE)));
        assertNoLeftovers();
    }

    private static void assertInBodyOrder(JsonNode referenced, int first, int last) {
        List<String> sops = new ArrayList<>();
        referenced.forEach(r -> sops.add(r.at("/00081155/Value/0").asText()));
        List<String> expected = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            expected.add(SERIES + "." + i);
        }
        assertEquals(expected, sops);
    }

    private void assertNoLeftovers() throws Exception {
        try (Stream<Path> left = Files.list(dir.resolve("store").resolve(".incoming"))) {
            assertEquals(0, left.count());
        }
    }

    /** The embedded warehouse, recording the SOP Instance UIDs of every batch it is given. */
    static final class RecordingWarehouse extends ForwardingWarehouse {
        volatile DuckDbWarehouse real;
        volatile Runnable afterInsert = () -> { };
        final List<List<String>> batches = new CopyOnWriteArrayList<>();

        List<Integer> batchSizes() {
            return batches.stream().map(List::size).toList();
        }

        @Override
        protected Warehouse delegate() {
            return real;
        }

        @Override
        public void insert(TableRef table, List<MetadataRow> rows) throws Exception {
            real.insert(table, rows);
            batches.add(rows.stream().map(r -> String.valueOf(r.values().get("SOPInstanceUID"))).toList());
            for (int i = 0; i < rows.size(); i++) {
                afterInsert.run();
            }
        }
    }
}
