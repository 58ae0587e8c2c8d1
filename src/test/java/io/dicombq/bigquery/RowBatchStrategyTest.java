package io.dicombq.bigquery;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowBatchStrategyTest {

    final CamelContext context = new DefaultCamelContext();
    final Instant t = Instant.parse("2024-01-01T00:00:00Z");

    private Exchange of(MetadataRow row) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(row);
        return e;
    }

    @Test
    void fullByRowCount() {
        RowBatchStrategy s = new RowBatchStrategy();
        s.setMaxRows(2);
        Exchange batch = s.aggregate(null, of(TestRows.row("1", "INSERT", t)));
        assertFalse(batch.getProperty(BigQueryHeaders.BATCH_FULL, Boolean.class));
        batch = s.aggregate(batch, of(TestRows.row("2", "INSERT", t)));
        assertTrue(batch.getProperty(BigQueryHeaders.BATCH_FULL, Boolean.class));
        assertEquals(2, batch.getMessage().getBody(List.class).size());
    }

    @Test
    void fullWhenOneMoreLargestRowCouldPassTheByteLimit() {
        RowBatchStrategy s = new RowBatchStrategy();
        s.setMaxBytes(10_000);
        s.setMaxRowBytes(2_000);
        MetadataRow big = TestRows.with(TestRows.row("1", "INSERT", t),
                Field.nullable("ImageComments", Field.Type.STRING), "x".repeat(8_000));
        Exchange batch = s.aggregate(null, of(TestRows.row("0", "INSERT", t)));
        assertFalse(batch.getProperty(BigQueryHeaders.BATCH_FULL, Boolean.class));
        batch = s.aggregate(batch, of(big));
        int bytes = batch.getProperty(BigQueryHeaders.BATCH_BYTES, Integer.class);
        assertTrue(bytes > 8_000 && bytes < 9_000, "bytes " + bytes);
        assertTrue(batch.getProperty(BigQueryHeaders.BATCH_FULL, Boolean.class));
    }
}
