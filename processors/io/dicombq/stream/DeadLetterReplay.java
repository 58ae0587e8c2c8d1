package io.dicombq.stream;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Re-sends dead letters (all, or one destination's) through the destination route they failed
 * in, so they take the same insert path as live rows. A row delivered now leaves the dead
 * letters; one that fails again is dead-lettered again (one attempt, no new retries) with its
 * attempt count and first failure time carried on. Rows keep their LastUpdated, so replaying
 * twice never shows an instance twice in the view.
 */
public final class DeadLetterReplay implements CamelContextAware {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
    /** Rows in flight at once: enough to fill the destinations' batches. */
    private static final int CHUNK = 500;

    /** Delivers some records; true for each one now in its table. A failed one must be dead-lettered again by the sender. */
    @FunctionalInterface
    public interface Sender {
        List<Boolean> send(List<DeadLetters.Record> records) throws Exception;
    }

    private final DeadLetters deadLetters;
    private final StreamConfigs streamConfigs;
    private CamelContext camelContext;

    public DeadLetterReplay(DeadLetters deadLetters, StreamConfigs streamConfigs) {
        this.deadLetters = deadLetters;
        this.streamConfigs = streamConfigs;
    }

    /** The replay route's step; {@code destination} is a {@code bq://} URI, or null for every destination. */
    public Map<String, Object> replay(@Header("destination") String destination) throws Exception {
        streamConfigs.endpoints(); // the destination routes exist from here on
        return replay(deadLetters, blankToNull(destination), this::sendThroughRoutes);
    }

    /** One replay with any sender: the running bundle's routes, or the warehouse directly when it is stopped. */
    public static synchronized Map<String, Object> replay(DeadLetters deadLetters, String destination, Sender sender)
            throws Exception {
        long delivered = 0;
        long failed = 0;
        for (Path file : deadLetters.takeForReplay(destination)) {
            List<DeadLetters.Record> records = DeadLetters.read(file);
            Map<String, Long> perDestination = new HashMap<>();
            for (int from = 0; from < records.size(); from += CHUNK) {
                List<DeadLetters.Record> chunk = records.subList(from, Math.min(records.size(), from + CHUNK));
                List<Boolean> ok = sender.send(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    if (ok.get(i)) {
                        delivered++;
                    } else {
                        failed++;
                    }
                }
            }
            records.forEach(r -> perDestination.merge(r.destination(), 1L, Long::sum));
            deadLetters.finishReplay(file, perDestination);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("delivered", delivered);
        result.put("failed", failed);
        result.put("pending", deadLetters.pending());
        LOG.info("Dead-letter replay{}: {} delivered, {} failed again", destination == null ? "" : " for " + destination,
                delivered, failed);
        return result;
    }

    private List<Boolean> sendThroughRoutes(List<DeadLetters.Record> records) throws Exception {
        ProducerTemplate template = camelContext.createProducerTemplate();
        try {
            List<CompletableFuture<Exchange>> inFlight = new ArrayList<>();
            for (DeadLetters.Record r : records) {
                Optional<StreamConfig> config = streamConfigs.list().stream()
                        .filter(c -> c.table().uri().equals(r.destination())).findFirst();
                if (config.isEmpty() || r.row() == null) {
                    inFlight.add(null);
                    continue;
                }
                Exchange ex = new DefaultExchange(camelContext);
                ex.getMessage().setBody(r.row());
                ex.getMessage().setHeader("DicomDestination", r.destination());
                ex.setProperty(RetryTracker.REPLAY, true);
                ex.setProperty(DeadLetters.ATTEMPTS, r.attempts());
                ex.setProperty(DeadLetters.FIRST_FAILURE, r.firstFailure().toEpochMilli());
                inFlight.add(template.asyncSend(config.get().endpoint(), ex));
            }
            List<Boolean> out = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                CompletableFuture<Exchange> f = inFlight.get(i);
                DeadLetters.Record r = records.get(i);
                if (f == null) {
                    // the destination is no longer a stream config: keep the row until it is again
                    deadLetters.append(again(r, "not a configured stream config: " + r.destination()));
                    out.add(false);
                    continue;
                }
                Exchange done = f.get();
                if (done.getException() != null) {
                    deadLetters.append(again(r, done.getException().getMessage()));
                    out.add(false);
                } else {
                    // dead-lettered again by the route itself when the insert failed
                    out.add(!done.getProperty(DeadLetters.DEAD_LETTERED, false, Boolean.class));
                }
            }
            return out;
        } finally {
            template.stop();
        }
    }

    /** The record after one more failed attempt. */
    public static DeadLetters.Record again(DeadLetters.Record r, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", r.error() == null ? 14 : r.error().getOrDefault("code", 14));
        error.put("message", message);
        return new DeadLetters.Record(r.destination(), r.row(), error, r.attempts() + 1, r.firstFailure(),
                Instant.now());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
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
