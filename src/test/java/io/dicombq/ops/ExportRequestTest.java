package io.dicombq.ops;

import org.junit.jupiter.api.Test;

import static io.dicombq.ops.ExportRequest.WriteDisposition.WRITE_APPEND;
import static io.dicombq.ops.ExportRequest.WriteDisposition.WRITE_EMPTY;
import static io.dicombq.ops.ExportRequest.WriteDisposition.WRITE_TRUNCATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportRequestTest {

    @Test
    void forceChoosesTheDispositionAndWriteDispositionWins() {
        assertEquals(WRITE_EMPTY, ExportRequest.parse("{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\"}}")
                .disposition());
        assertEquals(WRITE_EMPTY, ExportRequest.parse(
                "{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\",\"force\":false}}").disposition());
        assertEquals(WRITE_TRUNCATE, ExportRequest.parse(
                "{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\",\"force\":true}}").disposition());
        assertEquals(WRITE_APPEND, ExportRequest.parse("{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\","
                + "\"force\":true,\"writeDisposition\":\"WRITE_APPEND\"}}").disposition());
        assertEquals("t", ExportRequest.parse("{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\"}}")
                .table().table());
    }

    @Test
    void badRequestsNameTheField() {
        assertMessage("{}", "bigqueryDestination");
        assertMessage("not json", "not JSON");
        assertMessage("{\"bigqueryDestination\":{}}", "bigqueryDestination.tableUri");
        assertMessage("{\"bigqueryDestination\":{\"tableUri\":\"gs://b/o\"}}", "bigqueryDestination.tableUri");
        assertMessage("{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\",\"force\":\"yes\"}}",
                "bigqueryDestination.force");
        assertMessage("{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.d.t\",\"writeDisposition\":\"WRITE_SOME\"}}",
                "bigqueryDestination.writeDisposition");
    }

    private static void assertMessage(String body, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExportRequest.parse(body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
