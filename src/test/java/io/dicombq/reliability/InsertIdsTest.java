package io.dicombq.reliability;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.stream.InsertIds;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class InsertIdsTest {
    static MetadataRow row(String sop, String type, String at) {
        MetadataRow r = new MetadataRow(null, null);
        r.values().put("StudyInstanceUID", "1.2");
        r.values().put("SeriesInstanceUID", "1.2.3");
        r.values().put("SOPInstanceUID", sop);
        return ServiceColumns.apply(r, type, Instant.parse(at), 1L, "STANDARD");
    }

    @Test
    void theSameEventAlwaysGetsTheSameIdAndAnyOtherEventAnother() {
        String id = InsertIds.of("bq://p.d.t", row("1.2.3.4", "INSERT", "2025-01-01T00:00:00Z"));
        assertEquals(32, id.length());
        // a copy (as read back from a dead letter) is the same event
        assertEquals(id, InsertIds.of("bq://p.d.t", row("1.2.3.4", "INSERT", "2025-01-01T00:00:00Z").copy()));
        assertNotEquals(id, InsertIds.of("bq://p.d.t", row("1.2.3.4", "DELETE", "2025-01-01T00:00:00Z")));
        assertNotEquals(id, InsertIds.of("bq://p.d.t", row("1.2.3.4", "INSERT", "2025-01-01T00:00:00.000001Z")));
        assertNotEquals(id, InsertIds.of("bq://p.d.t", row("1.2.3.5", "INSERT", "2025-01-01T00:00:00Z")));
        assertNotEquals(id, InsertIds.of("bq://p.d.u", row("1.2.3.4", "INSERT", "2025-01-01T00:00:00Z")));
    }
}
