package io.dicombq.warehouse;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.dicombq.row.Field.Type.STRING;
import static io.dicombq.warehouse.TestRows.row;
import static io.dicombq.warehouse.TestRows.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every test of {@link DuckDbWarehouseTest} again with each batch going through the streaming
 * buffer (a merge interval so long that only reads merge), and what only the buffer does:
 * durable journals, merges without a read, a crash's leftovers, a row refused at merge time.
 */
class BufferedDuckDbWarehouseTest extends DuckDbWarehouseTest {

    private final List<String> rejected = new ArrayList<>();
    /** While set, the dead letters are unavailable: a refused row has nowhere to go. */
    private volatile boolean deadLettersDown;

    @BeforeEach
    @Override
    void open() throws Exception {
        warehouse = buffered(60_000);
    }

    private DuckDbWarehouse buffered(long mergeMillis) throws Exception {
        return new DuckDbWarehouse(dataDir, 1, 1_000, mergeMillis, 0, "",
                (t, row, reason) -> {
                    if (deadLettersDown) {
                        throw new java.io.IOException("dead letters not writable");
                    }
                    rejected.add(t.uri() + " " + row.getString("SOPInstanceUID") + " " + reason);
                });
    }

    private Path journal() {
        return dataDir.resolve(".buffer/local/dicom/instances.ndjson");
    }

    @Test
    void aBufferedRowIsOnDiskWhenInsertReturnsAndInTheTableForTheNextRead() throws Exception {
        warehouse.insert(table, List.of(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z")));

        assertEquals(1, Files.readAllLines(journal()).size(), "the row waits in the journal");
        assertEquals(List.of(Map.of("SOPInstanceUID", "1.1.1")),
                warehouse.query("SELECT SOPInstanceUID FROM local.dicom.instances_view"));
        assertFalse(Files.exists(journal()), "merged by the read, journal gone");
        assertEquals(1, warehouse.rowCount(table), "merged once");
    }

    @Test
    void theMergerLoadsTheJournalWhenNothingReads() throws Exception {
        warehouse.close();
        warehouse = buffered(20);
        warehouse.insert(table, List.of(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z")));

        long end = System.nanoTime() + 10_000_000_000L;
        while ((Files.exists(journal()) || Files.exists(merging())) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(journal()) || Files.exists(merging()), "merged without a read");
        assertEquals(1, warehouse.rowCount(table));
    }

    private Path merging() {
        return dataDir.resolve(".buffer/local/dicom/instances.ndjson.merging");
    }

    @Test
    void journalsLeftByACrashAreMergedAtTheNextStartAndATornLastLineIsDropped() throws Exception {
        MetadataRow first = with(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z"),
                Field.nullable("StudyDescription", STRING), "merging when it crashed");
        warehouse.insert(table, List.of(first)); // makes the table and its column
        warehouse.rowCount(table);
        warehouse.close();
        // as a killed bundle leaves them: a journal being merged, a newer one whose last line was cut short
        Files.write(merging(), lines(with(row("1", "1.1", "1.1.2", "INSERT", "2024-01-01T00:00:00Z"),
                Field.nullable("StudyDescription", STRING), "in the merging file")));
        byte[] whole = lines(row("1", "1.1", "1.1.3", "INSERT", "2024-01-01T00:00:00Z"));
        byte[] torn = lines(row("1", "1.1", "1.1.4", "INSERT", "2024-01-01T00:00:00Z"));
        ByteArrayOutputStream journal = new ByteArrayOutputStream();
        journal.write(whole);
        journal.write(torn, 0, torn.length / 2);
        Files.write(journal(), journal.toByteArray());

        warehouse = buffered(60_000);
        assertEquals(List.of("1.1.1", "1.1.2", "1.1.3"), warehouse.query(
                "SELECT SOPInstanceUID FROM local.dicom.instances ORDER BY 1").stream()
                .map(m -> m.get("SOPInstanceUID")).toList());
        assertFalse(Files.exists(journal()) || Files.exists(merging()));
    }

    @Test
    void journalsLeftBehindAreMergedByAWarehouseWithoutABufferToo() throws Exception {
        warehouse.insert(table, List.of(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z")));
        warehouse.rowCount(table);
        warehouse.close();
        Files.write(journal(), lines(row("1", "1.1", "1.1.2", "INSERT", "2024-01-01T00:00:00Z")));

        warehouse = new DuckDbWarehouse(dataDir); // as `dicom-bq replay` opens it with the bundle stopped
        warehouse.prepare(table);
        assertEquals(2, warehouse.rowCount(table));
    }

    /** The journal lines the warehouse writes for these rows (BatchJson, the rows' own columns). */
    private static byte[] lines(MetadataRow... rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BatchJson.write(rows[0].schema().fields(), List.of(rows), out);
        return out.toByteArray();
    }

    /** Buffered, the batch is accepted; at merge time the bad row alone is refused and dead-lettered. */
    @Test
    @Override
    void aValueDuckDbCannotConvertFailsTheWholeBatchNamingTheColumn() throws Exception {
        MetadataRow good = TestRows.withStudyDate("1.1.1", "2024-01-01");
        MetadataRow bad = TestRows.withStudyDate("1.1.2", "2024-13-45");
        MetadataRow later = TestRows.withStudyDate("1.1.3", "2024-01-03");

        warehouse.insert(table, List.of(good, bad));
        warehouse.insert(table, List.of(later));

        assertEquals(2, warehouse.rowCount(table), "the good rows are in");
        assertEquals(1, rejected.size(), rejected.toString());
        String r = rejected.get(0);
        assertTrue(r.startsWith("bq://local.dicom.instances 1.1.2 ") && r.contains("column StudyDate (DATE)")
                && r.contains("2024-13-45") && !r.contains(".ndjson"), r);
        assertFalse(Files.exists(journal()) || Files.exists(merging()));
    }

    /** A refused row that cannot be dead-lettered stays buffered alone: the good rows go in once. */
    @Test
    void aRefusedRowWithNowhereToGoStaysInTheJournalAndTheOthersAreNotLoadedTwice() throws Exception {
        MetadataRow good = TestRows.withStudyDate("1.1.1", "2024-01-01");
        MetadataRow bad = TestRows.withStudyDate("1.1.2", "2024-13-45");
        deadLettersDown = true;
        warehouse.insert(table, List.of(good, bad));

        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> warehouse.rowCount(table));
        assertTrue(e.getMessage().contains("dead letters not writable"), e.getMessage());
        List<String> left = Files.readAllLines(merging());
        assertEquals(1, left.size());
        assertTrue(left.get(0).contains("1.1.2"), left.get(0));

        deadLettersDown = false;
        assertEquals(1, warehouse.rowCount(table), "the good row once, after the next merge too");
        assertEquals(1, rejected.size());
        assertFalse(Files.exists(merging()));
    }

    /** The buffer loads its journal itself: the shared load file is not used at all. */
    @Test
    @Override
    void eachBatchLoadsItsOwnRowsThoughTheLoadFileIsReused() throws Exception {
        warehouse.insert(table, List.of(
                with(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDescription", STRING), "a much longer description")));
        warehouse.insert(table, List.of(
                with(row("1", "1.1", "1.1.2", "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDescription", STRING), "x")));

        assertEquals(2, Files.readAllLines(journal(), StandardCharsets.UTF_8).size());
        assertEquals(List.of(Map.of("SOPInstanceUID", "1.1.1", "StudyDescription", "a much longer description"),
                        Map.of("SOPInstanceUID", "1.1.2", "StudyDescription", "x")),
                warehouse.query("SELECT SOPInstanceUID, StudyDescription FROM local.dicom.instances ORDER BY 1"));
        assertFalse(Files.exists(dataDir.resolve(".local.load.ndjson")));
    }
}
