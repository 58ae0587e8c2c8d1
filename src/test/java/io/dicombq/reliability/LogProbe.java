package io.dicombq.reliability;

import io.dicombq.observe.LogLabels;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.stream.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.time.Instant;

/**
 * Run in its own JVM by {@link JsonLogTest} (log4j reads LOG_FORMAT once, at start): writes
 * one dead letter and one labelled plain entry through the bundle's log4j2.xml.
 */
public final class LogProbe {
    public static void main(String[] args) throws Exception {
        DeadLetters deadLetters = new DeadLetters(args[0], "projects/p/locations/l/datasets/d/dicomStores/s");
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            MetadataRow row = new MetadataRow(null, null);
            row.values().put("SOPInstanceUID", "1.2.3.4");
            ServiceColumns.apply(row, ServiceColumns.INSERT, Instant.parse("2024-01-02T03:04:05Z"), 10L, "STANDARD");
            exchange.getMessage().setBody(row);
            exchange.getMessage().setHeader("DicomDestination", "bq://p.d.t");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new ConnectException("connection refused"));
            deadLetters.record(exchange);
        }
        try (var labels = LogLabels.of("projects/p/locations/l/datasets/d/dicomStores/s", "bq://p.d.t", "1.2.3.5")) {
            LoggerFactory.getLogger(LogProbe.class).warn("a labelled warning");
        }
    }
}
