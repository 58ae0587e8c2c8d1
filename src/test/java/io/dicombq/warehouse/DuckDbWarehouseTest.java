package io.dicombq.warehouse;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.dicombq.row.Field.Type.DATE;
import static io.dicombq.row.Field.Type.FLOAT;
import static io.dicombq.row.Field.Type.INTEGER;
import static io.dicombq.row.Field.Type.STRING;
import static io.dicombq.row.Field.Type.TIME;
import static io.dicombq.row.Field.Type.TIMESTAMP;
import static io.dicombq.warehouse.TestRows.row;
import static io.dicombq.warehouse.TestRows.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuckDbWarehouseTest {

    @TempDir
    Path dataDir;

    DuckDbWarehouse warehouse;
    final TableRef table = TableRef.parse("bq://local.dicom.instances");

    @BeforeEach
    void open() throws Exception {
        warehouse = new DuckDbWarehouse(dataDir);
    }

    @AfterEach
    void close() throws Exception {
        warehouse.close();
    }

    @Test
    void prepareCreatesFileSchemaTableAndView() throws Exception {
        assertEquals(-1, warehouse.rowCount(table));
        assertTrue(warehouse.schema(table).isEmpty());
        assertTrue(Files.notExists(dataDir.resolve("local.duckdb")), "asking must not create the file");

        warehouse.prepare(table);
        warehouse.prepare(table); // idempotent

        assertTrue(Files.exists(dataDir.resolve("local.duckdb")));
        assertEquals(0, warehouse.rowCount(table));
        assertEquals(ServiceColumns.FIELDS, warehouse.schema(table).fields());
        assertEquals(List.of(Map.of("n", 0L)), warehouse.query("SELECT count(*) AS n FROM local.dicom.instances_view"));
    }

    @Test
    void storesPersonNamesAndNestedSequencesAndReadsThemBackAsJson() throws Exception {
        Field pn = TestRows.pn("PatientName");
        Field inner = Field.record("ConceptCodeSequence", Field.Mode.REPEATED,
                List.of(Field.nullable("CodeValue", STRING), Field.nullable("CodeMeaning", STRING)));
        Field outer = Field.record("ContentSequence", Field.Mode.REPEATED,
                List.of(Field.nullable("ValueType", STRING), Field.nullable("NumericValue", FLOAT), inner));
        MetadataRow r = row("1.2", "1.2.3", "1.2.3.4", "INSERT", "2024-01-02T03:04:05.123456Z");
        with(r, pn, TestRows.pnValue("Yamada", "Tarou"));
        with(r, Field.nullable("StudyDate", DATE), "2024-01-02");
        with(r, Field.nullable("StudyTime", TIME), "10:11:12");
        with(r, Field.nullable("AcquisitionDateTime", TIMESTAMP), "2024-01-02T12:00:00+02:00");
        with(r, Field.repeated("ImageType", STRING), List.of("ORIGINAL", "PRIMARY"));
        with(r, Field.nullable("Rows", INTEGER), 512L);
        Map<String, Object> item1 = new LinkedHashMap<>();
        item1.put("ValueType", "CODE");
        item1.put("ConceptCodeSequence", List.of(Map.of("CodeValue", "T-04000", "CodeMeaning", "Breast")));
        Map<String, Object> item2 = new LinkedHashMap<>();
        item2.put("ValueType", "NUM");
        item2.put("NumericValue", 1.5);
        with(r, outer, List.of(item1, item2));

        warehouse.insert(table, List.of(r));

        Map<String, Object> got = warehouse.query("SELECT * FROM local.dicom.instances").get(0);
        assertEquals("2024-01-02T03:04:05.123456Z", got.get("LastUpdated"));
        assertEquals("2024-01-02", got.get("StudyDate"));
        assertEquals("10:11:12", got.get("StudyTime"));
        assertEquals("2024-01-02T10:00:00.000000Z", got.get("AcquisitionDateTime"), "the UTC offset is applied");
        assertEquals(List.of("ORIGINAL", "PRIMARY"), got.get("ImageType"));
        assertEquals(512L, got.get("Rows"));
        Map<?, ?> name = (Map<?, ?>) got.get("PatientName");
        assertEquals("Yamada", ((Map<?, ?>) name.get("Alphabetic")).get("FamilyName"));
        assertNull(((Map<?, ?>) name.get("Alphabetic")).get("MiddleName"));
        assertNull(name.get("Ideographic"));
        List<?> content = (List<?>) got.get("ContentSequence");
        assertEquals(2, content.size());
        Map<?, ?> first = (Map<?, ?>) content.get(0);
        assertEquals("Breast", ((Map<?, ?>) ((List<?>) first.get("ConceptCodeSequence")).get(0)).get("CodeMeaning"));
        assertEquals(1.5, ((Map<?, ?>) content.get(1)).get("NumericValue"));
        assertEquals(List.of("T-04000"),
                warehouse.query("SELECT ContentSequence[1].ConceptCodeSequence[1].CodeValue AS v "
                        + "FROM local.dicom.instances").stream().map(m -> m.get("v")).toList());

        Schema schema = warehouse.schema(table);
        assertEquals(pn, schema.get("PatientName"));
        assertEquals(outer, schema.get("ContentSequence"));
        assertEquals(Field.repeated("ImageType", STRING), schema.get("ImageType"));
        assertEquals(Field.nullable("AcquisitionDateTime", TIMESTAMP), schema.get("AcquisitionDateTime"));
        assertEquals(Field.nullable("StudyTime", TIME), schema.get("StudyTime"));
    }

    @Test
    void addsColumnsAndNestedFieldsOldRowsReadNull() throws Exception {
        Field seqV1 = Field.record("RequestAttributesSequence", Field.Mode.REPEATED, List.of(
                Field.nullable("RequestedProcedureID", STRING),
                Field.record("ProcedureCodeSequence", Field.Mode.REPEATED, List.of(Field.nullable("CodeValue", STRING)))));
        Field nameV1 = Field.record("Scanner", Field.Mode.NULLABLE, List.of(Field.nullable("Model", STRING)));
        MetadataRow old = row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z");
        with(old, seqV1, List.of(Map.of("RequestedProcedureID", "A",
                "ProcedureCodeSequence", List.of(Map.of("CodeValue", "X")))));
        with(old, nameV1, Map.of("Model", "M1"));
        warehouse.insert(table, List.of(old));

        // The next batch brings a top-level column and new fields two levels deep, inside a record, and in a list.
        Field seqV2 = Field.record("RequestAttributesSequence", Field.Mode.REPEATED, List.of(
                Field.nullable("RequestedProcedureID", STRING),
                Field.nullable("ReasonForTheRequestedProcedure", STRING),
                Field.record("ProcedureCodeSequence", Field.Mode.REPEATED, List.of(
                        Field.nullable("CodeValue", STRING), Field.nullable("CodeMeaning", STRING)))));
        Field nameV2 = Field.record("Scanner", Field.Mode.NULLABLE,
                List.of(Field.nullable("Model", STRING), Field.nullable("Serial", INTEGER)));
        MetadataRow fresh = row("1", "1.1", "1.1.2", "INSERT", "2024-01-01T00:00:01Z");
        with(fresh, seqV2, List.of(Map.of("RequestedProcedureID", "B", "ReasonForTheRequestedProcedure", "pain",
                "ProcedureCodeSequence", List.of(Map.of("CodeValue", "Y", "CodeMeaning", "Why")))));
        with(fresh, nameV2, Map.of("Model", "M2", "Serial", 42L));
        with(fresh, Field.nullable("BodyPartExamined", STRING), "CHEST");
        warehouse.insert(table, List.of(fresh));

        Schema schema = warehouse.schema(table);
        // DuckDB appends new struct fields at the end: compare the shapes regardless of order.
        assertSameFields(seqV2, schema.get("RequestAttributesSequence"));
        assertSameFields(nameV2, schema.get("Scanner"));
        assertEquals(Field.nullable("BodyPartExamined", STRING), schema.get("BodyPartExamined"));

        List<Map<String, Object>> rows = warehouse.query("SELECT SOPInstanceUID, BodyPartExamined, Scanner, "
                + "RequestAttributesSequence[1] AS req FROM local.dicom.instances ORDER BY SOPInstanceUID");
        Map<String, Object> a = rows.get(0);
        assertNull(a.get("BodyPartExamined"));
        assertNull(((Map<?, ?>) a.get("Scanner")).get("Serial"));
        Map<?, ?> reqA = (Map<?, ?>) a.get("req");
        assertNull(reqA.get("ReasonForTheRequestedProcedure"));
        assertNull(((Map<?, ?>) ((List<?>) reqA.get("ProcedureCodeSequence")).get(0)).get("CodeMeaning"));
        assertEquals("X", ((Map<?, ?>) ((List<?>) reqA.get("ProcedureCodeSequence")).get(0)).get("CodeValue"));
        Map<String, Object> b = rows.get(1);
        assertEquals("CHEST", b.get("BodyPartExamined"));
        assertEquals(42L, ((Map<?, ?>) b.get("Scanner")).get("Serial"));
        Map<?, ?> reqB = (Map<?, ?>) b.get("req");
        assertEquals("pain", reqB.get("ReasonForTheRequestedProcedure"));
        assertEquals("Why", ((Map<?, ?>) ((List<?>) reqB.get("ProcedureCodeSequence")).get(0)).get("CodeMeaning"));

        // A batch that declares less than the table has (the old shape) still inserts.
        warehouse.insert(table, List.of(with(row("1", "1.1", "1.1.3", "INSERT", "2024-01-01T00:00:02Z"), seqV1,
                List.of(Map.of("RequestedProcedureID", "C", "ProcedureCodeSequence", List.of(Map.of("CodeValue", "Z")))))));
        assertEquals(3, warehouse.rowCount(table));
    }

    /** Sequence items nested {@code depth} levels deep; the innermost item optionally has an extra field. */
    private static Field nested(int level, int depth, boolean extra) {
        List<Field> fields = new ArrayList<>();
        fields.add(Field.nullable("Value" + level, STRING));
        if (level < depth) {
            fields.add(nested(level + 1, depth, extra));
        } else if (extra) {
            fields.add(Field.nullable("Extra", INTEGER));
        }
        return Field.record("Seq" + level, Field.Mode.REPEATED, fields);
    }

    private static Object nestedValue(int level, int depth, boolean extra) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("Value" + level, "v" + level);
        if (level < depth) {
            item.put("Seq" + (level + 1), nestedValue(level + 1, depth, extra));
        } else if (extra) {
            item.put("Extra", 15L);
        }
        return List.of(item);
    }

    @Test
    void sequencesFifteenLevelsDeepAndAFieldAddedAtTheBottom() throws Exception {
        int depth = 15;
        warehouse.insert(table, List.of(with(row("1", "1.1", "1.1.1", "INSERT", null),
                nested(1, depth, false), nestedValue(1, depth, false))));
        assertEquals(nested(1, depth, false), warehouse.schema(table).get("Seq1"));

        warehouse.insert(table, List.of(with(row("1", "1.1", "1.1.2", "INSERT", null),
                nested(1, depth, true), nestedValue(1, depth, true))));
        assertEquals(nested(1, depth, true), warehouse.schema(table).get("Seq1"));

        StringBuilder path = new StringBuilder("Seq1[1]");
        for (int level = 2; level <= depth; level++) {
            path.append(".Seq").append(level).append("[1]");
        }
        List<Map<String, Object>> rows = warehouse.query("SELECT SOPInstanceUID AS sop, " + path + ".Value15 AS v, "
                + path + ".Extra AS extra FROM local.dicom.instances ORDER BY 1");
        assertEquals("v15", rows.get(0).get("v"));
        assertNull(rows.get(0).get("extra"), "the old row reads NULL in the new deep field");
        assertEquals(15L, rows.get(1).get("extra"));
    }

    private static void assertSameFields(Field expected, Field actual) {
        Schema a = new Schema(List.of(expected));
        Schema b = new Schema(List.of(actual));
        assertTrue(a.covers(b) && b.covers(a), "expected " + expected + " but was " + actual);
    }

    @Test
    void aTableThatPredatesTheServiceColumnsGetsThem() throws Exception {
        warehouse.close();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dataDir.resolve("legacy.duckdb"));
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA dicom");
            st.execute("CREATE TABLE dicom.\"old table\" (StudyInstanceUID VARCHAR, SeriesInstanceUID VARCHAR, "
                    + "SOPInstanceUID VARCHAR, Modality VARCHAR)");
            st.execute("INSERT INTO dicom.\"old table\" VALUES ('1', '1.1', '1.1.1', 'MR')");
        }
        warehouse = new DuckDbWarehouse(dataDir);
        TableRef legacy = TableRef.parse("bq://legacy.dicom.old table");

        warehouse.prepare(legacy);

        Schema schema = warehouse.schema(legacy);
        for (Field f : ServiceColumns.FIELDS) {
            assertEquals(f, schema.get(f.name()));
        }
        Map<String, Object> old = warehouse.query("SELECT * FROM legacy.dicom.\"old table\"").get(0);
        assertEquals("MR", old.get("Modality"));
        assertTrue(old.containsKey("Type") && old.get("Type") == null);
        assertTrue(old.containsKey("LastUpdated") && old.get("LastUpdated") == null);
        // The old row has no Type: it counts as an insert in the view.
        assertEquals(1, warehouse.query("SELECT * FROM legacy.dicom.\"old table_view\"").size());
    }

    @Test
    void eachBatchLoadsItsOwnRowsThoughTheLoadFileIsReused() throws Exception {
        // a long batch, then a shorter one through the same file: nothing of the first may be read again
        warehouse.insert(table, List.of(
                with(row("1", "1.1", "1.1.1", "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDescription", STRING), "a much longer description"),
                with(row("1", "1.1", "1.1.2", "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDescription", STRING), "second")));
        warehouse.insert(table, List.of(
                with(row("1", "1.1", "1.1.3", "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDescription", STRING), "x")));

        assertEquals(List.of(Map.of("SOPInstanceUID", "1.1.1", "StudyDescription", "a much longer description"),
                        Map.of("SOPInstanceUID", "1.1.2", "StudyDescription", "second"),
                        Map.of("SOPInstanceUID", "1.1.3", "StudyDescription", "x")),
                warehouse.query("SELECT SOPInstanceUID, StudyDescription FROM local.dicom.instances ORDER BY 1"));
        Path load = dataDir.resolve(".local.load.ndjson");
        assertEquals(0, Files.size(load), "emptied once the batch is in the table");
    }

    @Test
    void aValueDuckDbCannotConvertFailsTheWholeBatchNamingTheColumn() throws Exception {
        MetadataRow good = TestRows.withStudyDate("1.1.1", "2024-01-01");
        MetadataRow bad = TestRows.withStudyDate("1.1.2", "2024-13-45");

        Exception e = assertThrows(Exception.class, () -> warehouse.insert(table, List.of(good, bad)));

        assertTrue(e.getMessage().contains("column StudyDate (DATE)") && e.getMessage().contains("2024-13-45")
                && !e.getMessage().contains("load.ndjson"), e.getMessage());
        assertEquals(0, warehouse.rowCount(table), "all or nothing");
        warehouse.insert(table, List.of(good)); // one by one, the good row goes in
        assertEquals(1, warehouse.rowCount(table));
    }

    @Test
    void aValueShapedWrongForItsColumnFailsNamingTheColumn() throws Exception {
        Field seq = Field.record("ReferencedImageSequence", Field.Mode.REPEATED,
                List.of(Field.nullable("ReferencedSOPInstanceUID", STRING)));
        MetadataRow listForScalar = with(row("1", "1.1", "1.1.1", "INSERT", null),
                seq, List.of(Map.of("ReferencedSOPInstanceUID", List.of("1", "2"))));
        Exception e = assertThrows(Exception.class, () -> warehouse.insert(table, List.of(listForScalar)));
        assertTrue(e.getMessage().contains("ReferencedImageSequence.ReferencedSOPInstanceUID"), e.getMessage());

        MetadataRow undeclared = row("1", "1.1", "1.1.1", "INSERT", null);
        undeclared.values().put("Surprise", "x");
        e = assertThrows(Exception.class, () -> warehouse.insert(table, List.of(undeclared)));
        assertTrue(e.getMessage().contains("Surprise"), e.getMessage());
        assertEquals(0, warehouse.rowCount(table));
    }

    @Test
    void aRecordWithoutFieldsHasNoColumnAndDoesNotFailTheRow() throws Exception {
        MetadataRow r = with(row("1", "1.1", "1.1.1", "INSERT", null),
                Field.record("EmptyItems", Field.Mode.REPEATED, List.of()), List.of(Map.of()));
        warehouse.insert(table, List.of(r));
        assertEquals(1, warehouse.rowCount(table));
        assertNull(warehouse.schema(table).get("EmptyItems"));
    }

    @Test
    void truncateRemovesRowsKeepsColumns() throws Exception {
        warehouse.insert(table, List.of(TestRows.ct(1, 1, 1), TestRows.ct(1, 1, 2)));
        int columns = warehouse.schema(table).fields().size();
        assertEquals(2, warehouse.rowCount(table));

        warehouse.truncate(table);

        assertEquals(0, warehouse.rowCount(table));
        assertEquals(columns, warehouse.schema(table).fields().size());
    }

    @Test
    void tablesInSeveralProjectsAndDatasetsWithOddNames() throws Exception {
        TableRef other = TableRef.parse("bq://my-project.research_2.ct images-v2");
        warehouse.insert(other, List.of(TestRows.ct(7, 1, 1)));
        warehouse.insert(table, List.of(TestRows.ct(8, 1, 1)));

        assertTrue(Files.exists(dataDir.resolve("my-project.duckdb")));
        assertEquals(1, warehouse.rowCount(other));
        assertEquals(List.of(Map.of("n", 1L)),
                warehouse.query("SELECT count(*) AS n FROM \"my-project\".research_2.\"ct images-v2_view\""));
    }

    @Test
    void concurrentInsertsFromEightThreadsLoseNothing() throws Exception {
        int threads = 8;
        int batches = 4;
        int perBatch = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                jobs.add(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<MetadataRow> rows = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            MetadataRow r = TestRows.ct(thread, b, i);
                            // each thread also brings a column of its own, so DDL races with inserts
                            with(r, Field.nullable("ThreadColumn" + thread, STRING), "t" + thread);
                            rows.add(r);
                        }
                        warehouse.insert(table, rows);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals((long) threads * batches * perBatch, warehouse.rowCount(table));
        assertEquals(List.of(Map.of("n", (long) threads * batches * perBatch)), warehouse.query(
                "SELECT count(DISTINCT SOPInstanceUID) AS n FROM local.dicom.instances_view"));
        for (int t = 0; t < threads; t++) {
            assertEquals(List.of(Map.of("n", (long) batches * perBatch)), warehouse.query(
                    "SELECT count(*) AS n FROM local.dicom.instances_view WHERE ThreadColumn" + t + " = 't" + t + "'"));
        }
    }

    @Test
    void readersOfTheViewNeverSeeItOutOfStepWithTheTable() throws Exception {
        warehouse.prepare(table);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            while (!done.get() || reads.get() == 0) {
                try {
                    warehouse.query("SELECT * FROM local.dicom.instances_view");
                    reads.incrementAndGet();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                    return;
                }
            }
        });
        reader.start();
        Field seq = Field.record("Seq", Field.Mode.REPEATED, List.of(Field.nullable("A", STRING)));
        for (int i = 0; i < 20; i++) {
            // every batch adds a top-level column and a field inside an existing sequence
            MetadataRow r = with(row("1", "1.1", "1.1." + i, "INSERT", null), Field.nullable("Column" + i, STRING), "x");
            with(r, Field.record("Seq", Field.Mode.REPEATED, List.of(Field.nullable("Item" + i, STRING))),
                    List.of(Map.of("Item" + i, "y")));
            r.schema().add(seq);
            warehouse.insert(table, List.of(r));
        }
        done.set(true);
        reader.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        assertEquals(20, warehouse.query("SELECT * FROM local.dicom.instances_view").size());
    }

    @Test
    void throughputForFiveHundredRowBatches() throws Exception {
        warehouse.insert(table, List.of(TestRows.ct(0, 0, 0))); // table and columns exist: measure steady state
        int batches = 4;
        List<List<MetadataRow>> work = new ArrayList<>();
        for (int b = 1; b <= batches; b++) {
            List<MetadataRow> rows = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                rows.add(TestRows.ct(b, 1, i));
            }
            work.add(rows);
        }
        long start = System.nanoTime();
        for (List<MetadataRow> rows : work) {
            warehouse.insert(table, rows);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int columns = warehouse.schema(table).fields().size();
        System.out.printf("DuckDbWarehouse: %d rows (%d columns) in %d batches of 500: %.0f rows/s%n",
                batches * 500, columns, batches, batches * 500 / seconds);
        assertEquals(1 + batches * 500L, warehouse.rowCount(table));
    }
}
