package io.dicombq.stream;

import io.dicombq.observe.DeliveryMonitor;
import io.dicombq.observe.LogLabels;
import io.dicombq.row.MetadataRow;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by the destination routes' error handler each time an insert fails, before it decides
 * whether to retry: remembers when the row first failed and how many attempts it took (both go
 * into its dead letter), tells the {@link DeliveryMonitor}, and logs the failure with labels.
 * A replayed row is not retried: its dead letter already has its retries behind it.
 */
public final class RetryTracker implements Processor {
    /** Set by a replay: one attempt, then straight back to the dead letters. */
    public static final String REPLAY = "DicomReplay";
    private static final Logger LOG = LoggerFactory.getLogger(RetryTracker.class);

    private final DeliveryMonitor monitor;
    private final String storeName;
    private final int maxRedeliveries;

    public RetryTracker(DeliveryMonitor monitor, String storeName, int maxRedeliveries) {
        this.monitor = monitor;
        this.storeName = storeName;
        this.maxRedeliveries = maxRedeliveries;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getProperties().putIfAbsent(DeadLetters.FIRST_FAILURE, System.currentTimeMillis());
        int attempts = exchange.getProperty(DeadLetters.ATTEMPTS, 0, Integer.class) + 1;
        exchange.setProperty(DeadLetters.ATTEMPTS, attempts);
        String destination = exchange.getMessage().getHeader("DicomDestination", String.class);
        Throwable error = exchange.getException();
        monitor.attemptFailed(destination, error);

        boolean replay = exchange.getProperty(REPLAY, false, Boolean.class);
        if (replay) {
            exchange.getExchangeExtension().setRedeliveryExhausted(true);
        }
        MetadataRow row = exchange.getMessage().getBody(MetadataRow.class);
        try (var labels = LogLabels.of(storeName, destination, row == null ? null : row.getString("SOPInstanceUID"))) {
            if (replay || attempts > maxRedeliveries) {
                LOG.debug("Insert into {} failed (attempt {}), giving up: {}", destination, attempts,
                        error == null ? null : error.getMessage());
            } else {
                LOG.warn("Insert into {} failed (attempt {} of {}), will retry: {}", destination, attempts,
                        maxRedeliveries + 1, error == null ? null : error.getMessage());
            }
        }
    }
}
