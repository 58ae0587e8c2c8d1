package io.dicombq.observe;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeliveryMonitorTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static MetadataRow row(String type, Instant lastUpdated) {
        MetadataRow row = new MetadataRow(new LinkedHashMap<>(), new Schema());
        return ServiceColumns.apply(row, type, lastUpdated, null, null);
    }

    @Test
    void countsEachRowAndInstanceUnderItsOwnTags() {
        DeliveryMonitor monitor = new DeliveryMonitor(Clock.fixed(NOW, ZoneOffset.UTC));
        MeterRegistry registry = monitor.registry();
        for (int i = 0; i < 3; i++) {
            monitor.received("folder");
            monitor.delivered("bq://p.d.a", row("INSERT", NOW.minusSeconds(2)));
        }
        monitor.received("stow");
        monitor.received(null);
        monitor.delivered("bq://p.d.a", row("DELETE", NOW.minusSeconds(4)));
        monitor.delivered("bq://p.d.b", row("INSERT", NOW.minusSeconds(1)));

        assertEquals(3, registry.get("dicom_instances_received").tag("source", "folder").counter().count());
        assertEquals(1, registry.get("dicom_instances_received").tag("source", "stow").counter().count());
        assertEquals(1, registry.get("dicom_instances_received").tag("source", "unknown").counter().count());
        assertEquals(3, registry.get("dicom_rows_delivered").tags("destination", "bq://p.d.a", "type", "INSERT")
                .counter().count());
        assertEquals(1, registry.get("dicom_rows_delivered").tags("destination", "bq://p.d.a", "type", "DELETE")
                .counter().count());
        assertEquals(1, registry.get("dicom_rows_delivered").tags("destination", "bq://p.d.b", "type", "INSERT")
                .counter().count());
        Timer lagA = registry.get("dicom_delivery_lag").tag("destination", "bq://p.d.a").timer();
        assertEquals(4, lagA.count());
        assertEquals(10, lagA.totalTime(TimeUnit.SECONDS), 1e-9);
        assertEquals(1, registry.get("dicom_delivery_lag").tag("destination", "bq://p.d.b").timer().count());
    }

    @Test
    void aMeterRemovedFromTheRegistryIsRegisteredAgainOnItsNextUse() {
        DeliveryMonitor monitor = new DeliveryMonitor(Clock.fixed(NOW, ZoneOffset.UTC));
        MeterRegistry registry = monitor.registry();
        monitor.delivered("bq://p.d.a", row("INSERT", NOW));
        Counter first = registry.get("dicom_rows_delivered").tag("destination", "bq://p.d.a").counter();
        registry.remove(first);
        registry.remove(registry.get("dicom_delivery_lag").timer());
        assertNull(registry.find("dicom_rows_delivered").counter());

        monitor.delivered("bq://p.d.a", row("INSERT", NOW));
        monitor.delivered("bq://p.d.a", row("INSERT", NOW));

        assertEquals(2, registry.get("dicom_rows_delivered").tag("destination", "bq://p.d.a").counter().count());
        assertEquals(2, registry.get("dicom_delivery_lag").timer().count());
    }
}
