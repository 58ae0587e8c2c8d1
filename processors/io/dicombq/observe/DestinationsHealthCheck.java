package io.dicombq.observe;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Duration;
import java.util.Map;

/**
 * {@code /observe/health} turns DOWN while a destination has been failing, without a single
 * successful insert, for longer than {@code dicom.health.failing-threshold-ms}: rows are then
 * piling up in the dead-letter files and somebody should look. A short outage that retries
 * absorb does not flip it.
 */
public final class DestinationsHealthCheck extends AbstractHealthCheck {
    private final DeliveryMonitor monitor;
    private final Duration threshold;

    public DestinationsHealthCheck(DeliveryMonitor monitor, long thresholdMillis) {
        super("dicom", "destinations");
        this.monitor = monitor;
        this.threshold = Duration.ofMillis(thresholdMillis);
    }

    @Override
    public boolean isLiveness() {
        // a failing warehouse is not cured by restarting the bundle
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, DeliveryMonitor.Failing> down = monitor.failingLongerThan(threshold);
        if (down.isEmpty()) {
            builder.up();
            return;
        }
        down.forEach((destination, f) -> {
            builder.detail("destination." + destination + ".failingSince", f.since().toString());
            builder.detail("destination." + destination + ".lastError", f.lastError());
        });
        builder.message("destinations failing for more than " + threshold.toSeconds() + " s: "
                + String.join(", ", down.keySet()));
        builder.down();
    }
}
