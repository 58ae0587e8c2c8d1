package io.dicombq.gcs;

import com.google.cloud.storage.BlobInfo;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWithRouteBuilder;

/**
 * Faults and a gate at the start of the real {@code stream-instance} route, for tests. The route advice
 * ({@link Advice}) looks the test's instance up by name per exchange, so each test binds its own.
 */
final class StreamInstanceFaults {
    static final String BEAN = "streamInstanceFaults";

    /** The next N instances fail as if the store's disk were gone (an internal failure, not bad input). */
    final AtomicInteger outages = new AtomicInteger();
    /** Objects whose name contains one of these fail every time. */
    final Set<String> alwaysFailing = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();
    /** When set, each instance waits here (to look at an import while it runs). */
    volatile CountDownLatch gate;
    final CountDownLatch reached = new CountDownLatch(1);

    void apply(Exchange exchange) throws InterruptedException {
        calls.incrementAndGet();
        reached.countDown();
        CountDownLatch g = gate;
        if (g != null && !g.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test gate never opened");
        }
        if (outages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("simulated store outage");
        }
        BlobInfo blob = exchange.getProperty(GcsDownloader.BLOB, BlobInfo.class);
        if (blob != null && alwaysFailing.stream().anyMatch(blob.getName()::contains)) {
            throw new IllegalStateException("simulated lasting failure for " + blob.getName());
        }
    }

    /** Route advice for {@code @CamelMainTest(advices = ...)} on route {@code stream-instance}. */
    public static final class Advice extends AdviceWithRouteBuilder {
        @Override
        public void configure() {
            weaveAddFirst().process(exchange -> {
                StreamInstanceFaults faults = exchange.getContext().getRegistry()
                        .lookupByNameAndType(BEAN, StreamInstanceFaults.class);
                if (faults != null) {
                    faults.apply(exchange);
                }
            });
        }
    }
}
