package io.dicombq.warehouse;

import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dicom.duckdb.checkpoint-threshold}: how much write-ahead log a catalog gathers before a
 * checkpoint; {@code dicom.duckdb.max-vacuum-tasks}: whether a checkpoint may merge row groups.
 */
class DuckDbCheckpointTest {
    final TableRef table = TableRef.parse("bq://local.dicom.instances");

    @TempDir
    Path dir;

    @Test
    void theThresholdDecidesWhetherACommitWritesTheFileOrOnlyTheLog() throws Exception {
        List<MetadataRow> rows = List.of(TestRows.ct(1, 1, 1), TestRows.ct(1, 1, 2));
        try (DuckDbWarehouse small = new DuckDbWarehouse(dir.resolve("small"), 1, 0, 500, 0, "1KB", RejectedRows.NONE);
             DuckDbWarehouse large = new DuckDbWarehouse(dir.resolve("large"), 1, 0, 500, 0, "1GB", RejectedRows.NONE)) {
            small.insert(table, rows);
            large.insert(table, rows);
            assertEquals(0, walSize(dir.resolve("small")), "1KB: checkpointed at the commit");
            assertTrue(walSize(dir.resolve("large")) > 1_000, "1GB: the rows wait in the log");
            assertEquals(2, large.rowCount(table));
        }
        // closing checkpoints what the log held into the file
        assertEquals(0, walSize(dir.resolve("large")));
        try (DuckDbWarehouse reopened = new DuckDbWarehouse(dir.resolve("large"))) {
            assertEquals(2, reopened.rowCount(table));
        }
    }

    @Test
    void anIdleCatalogsLogIsCheckpointedIntoTheFile() throws Exception {
        Path data = dir.resolve("idle");
        int n = 0;
        try (DuckDbWarehouse w = new DuckDbWarehouse(data, 1, 0, 500, 0, "1GB", RejectedRows.NONE)) {
            w.checkpointWhenIdle(1, 200);
            while (walSize(data) < 1_100_000) { // past the 1 MB the idle checkpoint waits for
                List<MetadataRow> batch = new java.util.ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(TestRows.ct(1, 1 + n / 100, ++n));
                }
                w.insert(table, batch);
            }
            long end = System.nanoTime() + 20_000_000_000L;
            while (walSize(data) > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(0, walSize(data), "1GB would have left the rows in the log; the pause checkpointed them");
            assertEquals(n, w.rowCount(table));
        }
        try (DuckDbWarehouse reopened = new DuckDbWarehouse(data)) {
            assertEquals(n, reopened.rowCount(table));
        }
    }

    @Test
    void aThresholdThatIsNotASizeIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DuckDbWarehouse(dir, 1, 0, 500, 0, "lots", RejectedRows.NONE));
        assertTrue(e.getMessage().startsWith("dicom.duckdb.checkpoint-threshold must be a size such as 128MB, got 'lots'"),
                e.getMessage());
    }

    @Test
    void withoutVacuumTasksACheckpointWritesItsNewRowsAsARowGroupOfTheirOwn() throws Exception {
        // four checkpoints (each close checkpoints) of 2,500, 1,300, 900 and 300 new rows
        assertEquals(4, rowGroupsAfterFourCheckpoints(dir.resolve("none"), 0),
                "no merge: every checkpoint wrote only its own rows");
        assertTrue(rowGroupsAfterFourCheckpoints(dir.resolve("default"), 100) < 4,
                "DuckDB's default merges small row groups, rewriting the rows already on disk");
    }

    private int rowGroupsAfterFourCheckpoints(Path data, int vacuumTasks) throws Exception {
        int n = 0;
        for (int rows : new int[] {2_500, 1_300, 900, 300}) {
            try (DuckDbWarehouse w = new DuckDbWarehouse(data, 1, 0, 500, 0, "1GB", RejectedRows.NONE)) {
                w.maxVacuumTasks(vacuumTasks);
                for (int done = 0; done < rows; done += 100) {
                    List<MetadataRow> batch = new java.util.ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        batch.add(TestRows.ct(1, 1 + n / 100, ++n));
                    }
                    w.insert(table, batch);
                }
            }
        }
        try (DuckDbWarehouse w = new DuckDbWarehouse(data)) {
            assertEquals(n, w.rowCount(table));
            Object groups = w.query("SELECT count(DISTINCT row_group_id) AS n"
                    + " FROM pragma_storage_info('local.dicom.instances')").get(0).get("n");
            return ((Number) groups).intValue();
        }
    }

    @Test
    void aNegativeVacuumTaskCountIsAClearError() throws Exception {
        try (DuckDbWarehouse w = new DuckDbWarehouse(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.maxVacuumTasks(-1));
            assertEquals("dicom.duckdb.max-vacuum-tasks must be 0 or more, got -1", e.getMessage());
        }
    }

    private static long walSize(Path catalogDir) throws Exception {
        Path wal = catalogDir.resolve("local.duckdb.wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }
}
