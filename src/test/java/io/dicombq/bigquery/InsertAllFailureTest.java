package io.dicombq.bigquery;

import com.google.cloud.bigquery.BigQueryError;
import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the google-bigquery producer's failure text back into per-row errors. */
class InsertAllFailureTest {

    /** Exactly the message the producer builds: "InsertAll into " + table + " failed: " + insertErrors. */
    private static String camelMessage(Map<Long, List<BigQueryError>> errors) {
        return "InsertAll into instances failed: " + errors;
    }

    @Test
    void readsReasonsLocationsAndMessagesEvenWithPunctuationInside() {
        Map<Long, List<BigQueryError>> errors = new LinkedHashMap<>();
        errors.put(0L, List.of(new BigQueryError("stopped", "", "")));
        errors.put(1L, List.of(new BigQueryError("invalid", "OtherElements.Data",
                "Cannot convert value {a, b}], 2=[x to integer."),
                new BigQueryError("invalid", null, "second error, with comma")));
        errors.put(12L, List.of(new BigQueryError("stopped", null, null)));

        InsertAllFailure f = InsertAllFailure.fromCamelMessage(camelMessage(errors)).orElseThrow();
        assertEquals("instances", f.table());
        assertEquals(List.of(0, 1, 12), List.copyOf(f.errors().keySet()));
        assertEquals(new RowError("invalid", "OtherElements.Data", "Cannot convert value {a, b}], 2=[x to integer."),
                f.errors().get(1).get(0));
        assertEquals(new RowError("invalid", null, "second error, with comma"), f.errors().get(1).get(1));
        assertTrue(f.rejected(1));
        assertFalse(f.rejected(0));
        assertFalse(f.rejected(12));
        assertEquals("invalid at OtherElements.Data: Cannot convert value {a, b}], 2=[x to integer.; "
                + "invalid: second error, with comma", f.reasonFor(1));
    }

    @Test
    void otherFailuresAreNotRowErrors() {
        assertEquals(Optional.empty(), InsertAllFailure.fromCamelMessage("404 Not Found"));
        assertEquals(Optional.empty(), InsertAllFailure.fromCamelMessage(null));
        assertEquals(Optional.empty(), InsertAllFailure.fromCamelMessage("InsertAll into t failed: {}"));
    }

    @Test
    void sortsRejectedFromStoppedAndLandedRows() {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        List<MetadataRow> rows = List.of(TestRows.row("1", "INSERT", t), TestRows.row("2", "INSERT", t),
                TestRows.row("3", "INSERT", t));
        InsertAllFailure f = new InsertAllFailure("bq://p.d.t", Map.of(
                0, List.of(new RowError("stopped", null, "")),
                2, List.of(new RowError("invalid", "PatientAge", "bad"))));
        BigQueryRejections.Sorted sorted = BigQueryRejections.sort(f, rows);
        assertEquals(List.of(rows.get(0)), sorted.retry(), "row 1 had no error: it landed, it is not sent again");
        assertEquals(Map.of(2, "invalid at PatientAge: bad"), sorted.rejected(), "rejected rows by index in the batch");
    }
}
