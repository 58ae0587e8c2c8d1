package io.dicombq.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.JsonWalk;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * One index file per series ({@code SERIES_DIR/instances.jsonl}): a JSON record per stored
 * instance, appended when the instance is stored; the newest record of a SOP instance wins. It
 * replaces a sidecar file per instance, because creating a file (an inode) per instance was the
 * largest file-system cost in the drop-folder profile, while appending to an existing file is not.
 *
 * <p>Each record is written as a newline followed by the JSON, in one write: a record torn by a
 * crash is then a line of its own that fails to parse and is skipped, and never swallows the
 * record appended after it. (Its instance was not acknowledged, so its source sends it again.)
 */
public final class SeriesIndex {
    static final String FILE = "instances.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    // appends and rewrites of one series' index are serialized; series hash onto these locks
    private final Object[] locks = new Object[64];

    // public: `camel run` instantiates every compiled class that has a no-argument constructor
    public SeriesIndex() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    void append(Path seriesDir, Map<String, Object> record) throws IOException {
        byte[] line = line(record);
        synchronized (lockFor(seriesDir)) {
            try (OutputStream out = Files.newOutputStream(seriesDir.resolve(FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                out.write(line);
            }
        }
    }

    /** A record as the index holds it: a newline, then its JSON. */
    private static byte[] line(Map<String, Object> record) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        buf.write('\n');
        try (JsonGenerator gen = JSON.createGenerator(buf)) {
            JsonWalk.write(gen, record);
        }
        return buf.toByteArray();
    }

    /** The newest record per {@code sop} key, in the order the SOPs were first stored. */
    Map<String, Map<String, Object>> read(Path seriesDir) throws IOException {
        Map<String, Map<String, Object>> bySop = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(seriesDir.resolve(FILE), StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Map<String, Object> record = JSON.readValue(line, MAP);
                    if (record.get("sop") instanceof String sop) {
                        bySop.put(sop, record);
                    }
                } catch (JsonProcessingException torn) {
                    // a record cut short by a crash: its source was not acknowledged and comes again
                }
            }
        } catch (NoSuchFileException e) {
            return bySop;
        }
        return bySop;
    }

    /**
     * Rewrites the series' index without the records {@code drop} matches, after running
     * {@code beforeRewrite} under the same lock (removing the instance's file, so a concurrent
     * store of the same instance cannot interleave). An index left empty is deleted.
     */
    void removeWhere(Path seriesDir, Predicate<Map<String, Object>> drop, IoAction beforeRewrite) throws IOException {
        synchronized (lockFor(seriesDir)) {
            beforeRewrite.run();
            Map<String, Map<String, Object>> kept = read(seriesDir);
            kept.values().removeIf(drop);
            Path index = seriesDir.resolve(FILE);
            if (kept.isEmpty()) {
                Files.deleteIfExists(index);
                return;
            }
            Path tmp = seriesDir.resolve("." + FILE + "." + UUID.randomUUID() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (Map<String, Object> record : kept.values()) {
                    out.write(line(record));
                }
            }
            DicomStore.moveAtomically(tmp, index);
        }
    }

    private Object lockFor(Path seriesDir) {
        return locks[Math.floorMod(seriesDir.hashCode(), locks.length)];
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
