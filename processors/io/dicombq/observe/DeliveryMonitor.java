package io.dicombq.observe;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Header;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What the bundle tells operators about delivery: the meters behind {@code /observe/metrics}
 * (instances received per source, rows delivered and dead-lettered per destination and type,
 * dead letters pending, event-time lag) and, per destination, since when it has been failing
 * (read by {@link DestinationsHealthCheck}).
 *
 * <p>Meters go to the Prometheus registry camel-micrometer-prometheus puts in the Camel registry
 * ({@code camel.metrics.enabled=true}); without one (metrics off) they go to a private registry,
 * so the routes work the same either way.
 */
public final class DeliveryMonitor implements CamelContextAware {
    /** A destination's trouble, while it lasts: first failure of the current run and the last error. */
    public record Failing(Instant since, String lastError) {
    }

    private final Clock clock;
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pendingGauges = new ConcurrentHashMap<>();
    private final Map<Key, Meter> meters = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private volatile MeterRegistry registry;
    private volatile ToLongFunction<String> pendingCounter = d -> 0;

    public DeliveryMonitor() {
        this(Clock.systemUTC());
    }

    DeliveryMonitor(Clock clock) {
        this.clock = clock;
    }

    /** An instance accepted by the store, by entry point (folder, stow, gcs, import). */
    public void received(@Header("DicomSource") String source) {
        String s = source == null ? "unknown" : source;
        meter(new Key("received", s, null), r -> Counter.builder("dicom_instances_received")
                .description("DICOM instances stored and turned into rows, by entry point")
                .tag("source", s)
                .register(r)).increment();
    }

    /** A row is in the destination table: counts it, records its lag, ends any failing run. */
    public void delivered(@Header("DicomDestination") String destination, @Body MetadataRow row) {
        String type = type(row);
        meter(new Key("delivered", destination, type), r -> Counter.builder("dicom_rows_delivered")
                .description("rows written to a destination table")
                .tag("destination", destination).tag("type", type)
                .register(r)).increment();
        Instant eventTime = lastUpdated(row);
        if (eventTime != null) {
            meter(new Key("lag", destination, null), r -> Timer.builder("dicom_delivery_lag")
                    .description("event time (LastUpdated) to delivery into the destination table")
                    .tag("destination", destination)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofHours(1))
                    .register(r))
                    .record(Duration.between(eventTime, clock.instant()).abs());
        }
        failing.remove(destination);
    }

    /** One delivery attempt failed (a retry may follow). */
    public void attemptFailed(String destination, Throwable error) {
        String message = error == null ? "unknown error" : String.valueOf(error.getMessage());
        failing.merge(destination, new Failing(clock.instant(), message),
                (old, now) -> new Failing(old.since(), message));
        Counter.builder("dicom_delivery_attempts_failed")
                .description("insert attempts that failed, retries included")
                .tag("destination", destination)
                .register(registry()).increment();
    }

    /** A row gave up on: it is in the dead-letter file now. */
    public void deadLettered(String destination, MetadataRow row) {
        Counter.builder("dicom_rows_failed")
                .description("rows dead-lettered after every retry")
                .tag("destination", destination).tag("type", type(row))
                .register(registry()).increment();
        watchPending(destination);
    }

    /** Where the pending dead-letter count per destination comes from (the dead-letter files). */
    public void pendingFrom(ToLongFunction<String> counter, Iterable<String> knownDestinations) {
        this.pendingCounter = counter;
        knownDestinations.forEach(this::watchPending);
    }

    /** Destinations failing without a success for longer than {@code threshold}, with their trouble. */
    public Map<String, Failing> failingLongerThan(Duration threshold) {
        Instant cutoff = clock.instant().minus(threshold);
        Map<String, Failing> out = new LinkedHashMap<>();
        failing.forEach((d, f) -> {
            if (f.since().isBefore(cutoff)) {
                out.put(d, f);
            }
        });
        return out;
    }

    public Map<String, Failing> failing() {
        return Map.copyOf(failing);
    }

    public void watchPending(String destination) {
        if (destination != null && pendingGauges.putIfAbsent(destination, Boolean.TRUE) == null) {
            Gauge.builder("dicom_dead_letters_pending", () -> pendingCounter.applyAsLong(destination))
                    .description("dead-lettered rows waiting for a replay")
                    .tag("destination", destination)
                    .register(registry());
        }
    }

    /**
     * The meter of a row or an instance, made once: building and registering it again for each
     * one (the registry's lookup by name and tags) was most of this class's cost per row.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(Key key, Function<MeterRegistry, M> make) {
        Meter m = meters.get(key);
        if (m == null) {
            MeterRegistry r = registry();
            m = meters.computeIfAbsent(key, k -> make.apply(r));
        }
        return (M) m;
    }

    /** Which meter: its kind and up to two tag values. */
    private record Key(String kind, String first, String second) {
    }

    public MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    MeterRegistry found = camelContext == null ? null
                            : camelContext.getRegistry().findSingleByType(MeterRegistry.class);
                    registry = found != null ? found : new SimpleMeterRegistry();
                    // a meter removed from the registry (Camel clears it when routes reload) is
                    // made and registered again on its next use
                    registry.config().onMeterRemoved(removed -> meters.values().remove(removed));
                }
                r = registry;
            }
        }
        return r;
    }

    private static String type(MetadataRow row) {
        String t = row == null ? null : row.getString(ServiceColumns.TYPE);
        return t == null ? "UNKNOWN" : t;
    }

    private static Instant lastUpdated(MetadataRow row) {
        String ts = row == null ? null : row.getString(ServiceColumns.LAST_UPDATED);
        if (ts == null) {
            return null;
        }
        return ServiceColumns.instant(ts);
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
