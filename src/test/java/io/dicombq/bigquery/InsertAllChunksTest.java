package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InsertAllChunksTest {

    static List<MetadataRow> rows(int n) {
        List<MetadataRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(TestRows.row("1.2.3.4." + i, "INSERT", Instant.EPOCH));
        }
        return rows;
    }

    static List<String> shape(List<InsertAllChunks.Chunk> chunks) {
        return chunks.stream().map(c -> c.offset() + "+" + c.rows().size()).toList();
    }

    @Test
    void rowsAreCutAtTheRowLimit() {
        assertEquals(List.of("0+500", "500+500", "1000+1"), shape(InsertAllChunks.split(rows(1001), 500, Integer.MAX_VALUE)));
        assertEquals(List.of(), shape(InsertAllChunks.split(rows(0), 500, 100)));
    }

    @Test
    void rowsAreCutBeforeTheByteLimitAndAnOversizedRowGoesAlone() {
        List<MetadataRow> rows = rows(5);
        int one = JsonRows.encodedSize(JsonRows.content(rows.get(0)));
        assertEquals(List.of("0+2", "2+2", "4+1"), shape(InsertAllChunks.split(rows, 500, 2 * one + 1)));
        assertEquals(List.of("0+1", "1+1", "2+1", "3+1", "4+1"), shape(InsertAllChunks.split(rows, 500, one / 2)));
    }
}
