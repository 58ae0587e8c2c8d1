package io.dicombq.store;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DicomStoreTest {
    private static final String STUDY = "1.2.3";
    private static final String SERIES = "1.2.3.4";

    @TempDir
    Path dir;

    private Path source(String name, String content) throws IOException {
        Path f = dir.resolve("inbox").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    private static MetadataRow row(String sop, String description) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("SOPInstanceUID", sop);
        values.put("SeriesDescription", description);
        return new MetadataRow(values, new Schema(List.of(Field.nullable("SOPInstanceUID", Field.Type.STRING),
                Field.nullable("SeriesDescription", Field.Type.STRING))));
    }

    private StoredInstance put(DicomStore store, String sop, String content, boolean keepSource) throws IOException {
        return store.put(source(sop + "-" + content.length() + "-" + System.nanoTime(), content), keepSource, STUDY, SERIES, sop, "1.2.840.10008.5.1.4.1.1.2",
                row(sop, content), Instant.parse("2026-11-25T10:00:00Z"), "STANDARD");
    }

    @Test
    void keepsTheBytesAndReadsBackTheRowFromTheSeriesIndex() throws IOException {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        Path source = source("a.dcm", "first");
        StoredInstance stored = store.put(source, true, STUDY, SERIES, "1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.2",
                row("1.2.3.4.5", "CHEST"), Instant.parse("2026-11-25T10:00:00.123456Z"), "STANDARD");

        assertTrue(Files.exists(source), "a folder source stays until the route acknowledges it");
        assertEquals("first", Files.readString(stored.file()));
        assertEquals(5, stored.size());
        Path seriesDir = stored.file().getParent().getParent();
        assertTrue(Files.exists(seriesDir.resolve("instances.jsonl")));
        try (var files = Files.list(stored.file().getParent())) {
            assertEquals(List.of("1.2.3.4.5.dcm"), files.map(p -> p.getFileName().toString()).toList(),
                    "one file per instance, nothing beside it");
        }

        StoredInstance found = new DicomStore(dir.resolve("store").toString()).get(STUDY, SERIES, "1.2.3.4.5").orElseThrow();
        assertEquals(stored, found);
        assertEquals("CHEST", found.row().get("SeriesDescription"));
        assertEquals(Field.Type.STRING, found.row().schema().get("SeriesDescription").type());
        assertEquals("1.2.840.10008.5.1.4.1.1.2", found.sopClassUid());
        assertEquals(5, found.size());
    }

    @Test
    void instancesOfOneSeriesKeepTheirOwnSchemasWhenSchemasRepeat() throws IOException {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        Field code = Field.record("ConceptNameCodeSequence", Field.Mode.REPEATED,
                List.of(Field.nullable("CodeValue", Field.Type.STRING)));
        List<Field> withCode = List.of(Field.nullable("SOPInstanceUID", Field.Type.STRING), code);
        List<Field> withNumber = List.of(Field.nullable("SOPInstanceUID", Field.Type.STRING),
                Field.nullable("InstanceNumber", Field.Type.INTEGER));
        // alternating, so each schema is written again after the other one
        for (int i = 0; i < 4; i++) {
            String sop = "1.7." + i;
            List<Field> fields = i % 2 == 0 ? withCode : withNumber;
            MetadataRow row = new MetadataRow(new LinkedHashMap<>(Map.of("SOPInstanceUID", sop)), new Schema(fields));
            store.put(source(sop, "x" + i), false, STUDY, SERIES, sop, "1.2.840.10008.5.1.4.1.1.2", row,
                    Instant.parse("2026-11-25T10:00:00Z"), "STANDARD");
        }

        for (int i = 0; i < 4; i++) {
            StoredInstance found = store.get(STUDY, SERIES, "1.7." + i).orElseThrow();
            assertEquals(i % 2 == 0 ? withCode : withNumber, found.row().schema().fields(), "instance " + i);
        }
    }

    @Test
    void anIndexRecordNamesItsSchemaWhoseFileIsWrittenOnceForTheStore() throws IOException {
        Path root = dir.resolve("store");
        DicomStore store = new DicomStore(root.toString());
        StoredInstance first = put(store, "1.1", "a", true);
        put(store, "1.2", "b", true);
        store.put(source("other", "c"), true, STUDY, "1.2.3.5", "1.3", "1.2.840.10008.5.1.4.1.1.2",
                row("1.3", "c"), Instant.parse("2026-11-25T10:00:00Z"), "STANDARD");

        try (var files = Files.list(root.resolve("schemas"))) {
            List<Path> schemaFiles = files.toList();
            assertEquals(1, schemaFiles.size(), "one schema, one file, whatever the series: " + schemaFiles);
            String id = schemaFiles.get(0).getFileName().toString().replace(".json", "");
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            String index = Files.readString(first.file().getParent().getParent().resolve("instances.jsonl"));
            assertEquals(2, index.split("\"schemaRef\":\"" + id + "\"", -1).length - 1, index);
            assertFalse(index.contains("\"schema\":"), "no schema inline: " + index);
        }

        // another process (a restart) reads the schema back from its file
        StoredInstance found = new DicomStore(root.toString()).get(STUDY, SERIES, "1.2").orElseThrow();
        assertEquals(row("1.2", "b").schema().fields(), found.row().schema().fields());
        assertEquals("b", found.row().get("SeriesDescription"));
    }

    @Test
    void readsIndexRecordsWithTheirSchemaInlineAsEarlierVersionsWroteThem() throws IOException {
        Path series = dir.resolve("store/studies").resolve(STUDY).resolve("series").resolve(SERIES);
        Files.createDirectories(series.resolve("instances"));
        Files.writeString(series.resolve("instances").resolve("1.8.dcm"), "older");
        Files.writeString(series.resolve("instances.jsonl"), """

                {"study":"1.2.3","series":"1.2.3.4","sop":"1.8","sopClassUid":"1.2.840.10008.5.1.4.1.1.4","size":5,\
                "storedAt":"2026-01-02T03:04:05Z","storageClass":"STANDARD","row":{"SOPInstanceUID":"1.8","Rows":512},\
                "schema":[{"name":"SOPInstanceUID","type":"STRING","mode":"NULLABLE"},\
                {"name":"Rows","type":"INTEGER","mode":"NULLABLE"}]}""");
        DicomStore store = new DicomStore(dir.resolve("store").toString());

        StoredInstance older = store.get(STUDY, SERIES, "1.8").orElseThrow();
        assertEquals(Field.Type.INTEGER, older.row().schema().get("Rows").type());
        // a newer instance of the same series is written the new way, and both read back
        put(store, "1.9", "newer", true);
        assertEquals(List.of("1.8", "1.9"), store.find(STUDY, null, null).stream().map(StoredInstance::sop).toList());
    }

    @Test
    void aRecordNamingASchemaWhoseFileIsGoneIsAClearError() throws IOException {
        Path root = dir.resolve("store");
        put(new DicomStore(root.toString()), "1.1", "a", true);
        try (var files = Files.list(root.resolve("schemas"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> new DicomStore(root.toString()).get(STUDY, SERIES, "1.1"));
        assertTrue(e.getMessage().contains("is missing (was the store's schemas folder removed?)"), e.getMessage());
    }

    @Test
    void storingAgainReplacesTheBytesAndTheNewestRecordWins() throws IOException {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        put(store, "1.9", "old", true);
        StoredInstance second = put(store, "1.9", "newer", false);

        List<StoredInstance> all = store.find(STUDY, null, null);
        assertEquals(1, all.size());
        assertEquals("newer", all.get(0).row().get("SeriesDescription"));
        assertEquals("newer", Files.readString(second.file()));
        assertEquals(5, all.get(0).size());
    }

    @Test
    void removeDropsTheInstanceAndItsRecordAndEmptyFolders() throws IOException {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        StoredInstance a = put(store, "1.1", "a", true);
        StoredInstance b = put(store, "1.2", "b", true);

        store.remove(a);
        assertEquals(List.of("1.2"), store.find(STUDY, SERIES, null).stream().map(StoredInstance::sop).toList());
        String index = Files.readString(b.file().getParent().getParent().resolve("instances.jsonl"));
        assertFalse(index.contains("\"1.1\""), index);

        store.remove(b);
        assertTrue(store.find(STUDY, null, null).isEmpty());
        assertFalse(Files.exists(dir.resolve("store/studies").resolve(STUDY)), "empty study folder removed");
    }

    @Test
    void aRecordTornByACrashIsSkippedAndDoesNotSwallowTheNextOne() throws IOException {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        StoredInstance a = put(store, "1.1", "a", true);
        Path index = a.file().getParent().getParent().resolve("instances.jsonl");
        // a crash in the middle of appending the record of 1.2 (whose file is there)
        Files.writeString(a.file().resolveSibling("1.2.dcm"), "b");
        Files.write(index, "\n{\"study\":\"1.2.3\",\"sop\":\"1.2\",\"row\":{\"SOPInst".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        put(store, "1.3", "c", true);

        assertEquals(List.of("1.1", "1.3"), store.find(STUDY, null, null).stream().map(StoredInstance::sop).toList(),
                "1.2 has no complete record (its source is sent again); 1.3, appended after the torn one, is intact");
    }

    @Test
    void readsTheSidecarsOfEarlierVersions() throws IOException {
        Path instances = dir.resolve("store/studies").resolve(STUDY).resolve("series").resolve(SERIES).resolve("instances");
        Files.createDirectories(instances);
        Files.writeString(instances.resolve("1.7.dcm"), "legacy");
        Files.writeString(instances.resolve("1.7.json"), """
                {"study":"1.2.3","series":"1.2.3.4","sop":"1.7","sopClassUid":"1.2.840.10008.5.1.4.1.1.4","size":6,
                 "storedAt":"2026-01-02T03:04:05Z","storageClass":"STANDARD","row":{"SOPInstanceUID":"1.7"},
                 "schema":[{"name":"SOPInstanceUID","type":"STRING","mode":"NULLABLE"}]}""");
        DicomStore store = new DicomStore(dir.resolve("store").toString());

        StoredInstance legacy = store.get(STUDY, SERIES, "1.7").orElseThrow();
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), legacy.storedAt());
        store.remove(legacy);
        assertFalse(Files.exists(instances.resolve("1.7.json")));
        assertTrue(store.find(STUDY, null, null).isEmpty());
    }

    @Test
    void concurrentStoresIntoOneSeriesAllKeepTheirRecord() throws Exception {
        DicomStore store = new DicomStore(dir.resolve("store").toString());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredInstance>> puts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String sop = "1.5." + i;
                puts.add(pool.submit(() -> put(store, sop, "x".repeat(1000), true)));
            }
            for (Future<StoredInstance> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<StoredInstance> all = store.find(STUDY, SERIES, null);
        assertEquals(200, all.size());
        assertTrue(all.stream().allMatch(s -> s.row().get("SeriesDescription").equals("x".repeat(1000))));
    }
}
