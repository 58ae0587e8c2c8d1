package io.dicombq.stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.observe.DeliveryMonitor;
import io.dicombq.observe.LogLabels;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.RejectedRows;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.Exchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.MapMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps rows a destination would not take after every retry: one JSON line per row in
 * {@code DATA/dead-letters/PROJECT.DATASET.TABLE.ndjson} (destination, row, schema, error,
 * attempts, first and last failure time), forced to disk before the source is acknowledged,
 * and an ERROR log entry shaped like Cloud Logging's DICOM stream error ({@code resource_name},
 * {@code destination}, {@code error{code,message}}).
 *
 * <p>A replay first renames a destination's file to {@code NAME.TIMESTAMP.replaying} (new dead
 * letters start a fresh file meanwhile), re-sends its records and deletes it; rows that fail
 * again are dead-lettered again. A {@code .replaying} file left by a crash is picked up by the
 * next replay: re-sending a row is harmless (same LastUpdated, same insertId, one view row).
 */
public final class DeadLetters implements RejectedRows {
    /** Exchange properties the destination routes set while retrying (see {@link RetryTracker}). */
    public static final String FIRST_FAILURE = "DicomFirstFailure";
    public static final String ATTEMPTS = "DicomAttempts";
    /** Set on an exchange whose row went to the dead-letter file (a replay counts it as not delivered). */
    public static final String DEAD_LETTERED = "DicomDeadLettered";

    private static final Logger LOG = LogManager.getLogger("io.dicombq.dead-letter");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final String SUFFIX = ".ndjson";
    private static final String REPLAYING = ".replaying";

    /** One dead-lettered row as kept on disk. */
    public record Record(String destination, MetadataRow row, Map<String, Object> error, int attempts,
                         Instant firstFailure, Instant lastFailure) {
    }

    private final Path dir;
    private final String storeName;
    private final DeliveryMonitor monitor;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

    public DeadLetters(String dataDir, String storeName) throws IOException {
        this(dataDir, storeName, new DeliveryMonitor());
    }

    public DeadLetters(String dataDir, String storeName, DeliveryMonitor monitor) throws IOException {
        this.dir = Path.of(dataDir).resolve("dead-letters");
        this.storeName = storeName;
        this.monitor = monitor;
        countExisting();
        monitor.pendingFrom(this::pending, pending.keySet());
    }

    public Path dir() {
        return dir;
    }

    /** The dead-letter route's step: the exchange carries the row, the destination and the last error. */
    public void record(Exchange exchange) throws IOException {
        String destination = exchange.getMessage().getHeader("DicomDestination", String.class);
        MetadataRow row = exchange.getMessage().getBody(MetadataRow.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer attempts = exchange.getProperty(ATTEMPTS, Integer.class);
        Long firstFailure = exchange.getProperty(FIRST_FAILURE, Long.class);
        Instant now = Instant.now();
        Record record = new Record(destination, row, errorOf(error), attempts == null ? 1 : attempts,
                firstFailure == null ? now : Instant.ofEpochMilli(firstFailure), now);
        keep(record);
        exchange.setProperty(DEAD_LETTERED, true);
    }

    /**
     * A row the embedded warehouse took into its streaming buffer but whose table refused it at
     * merge time (its source was acknowledged then): dead-lettered here as the destination route
     * would have, so it is logged and can be replayed.
     */
    @Override
    public void rejected(TableRef table, MetadataRow row, String reason) throws IOException {
        Instant now = Instant.now();
        keep(new Record(table.uri(), row, errorOf(new RowRejectedException(table.uri(), reason)), 1, now, now));
    }

    /** On disk, counted and logged. */
    private void keep(Record record) throws IOException {
        append(record);
        monitor.deadLettered(record.destination(), record.row());
        log(record);
    }

    /** Google's status codes: the row itself was refused (INVALID_ARGUMENT) or the table could not be reached (UNAVAILABLE). */
    public static Map<String, Object> errorOf(Throwable error) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", error instanceof RowRejectedException ? 3 : 14);
        err.put("message", error == null ? "unknown error" : String.valueOf(error.getMessage()));
        return err;
    }

    /** Appends a record to its destination's file and forces it to disk. */
    public void append(Record record) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("destination", record.destination());
        json.put("resource_name", storeName);
        json.put("error", record.error());
        json.put("attempts", record.attempts());
        json.put("firstFailureTime", record.firstFailure().toString());
        json.put("lastFailureTime", record.lastFailure().toString());
        json.put("row", record.row() == null ? null : record.row().values());
        json.put("schema", record.row() == null ? null : record.row().schema().toJson());
        write(fileName(record.destination()), JSON.writeValueAsBytes(json));
        pending.computeIfAbsent(record.destination(), d -> new AtomicLong()).incrementAndGet();
        monitor.watchPending(record.destination());
    }

    /** Rows waiting for a replay, for one destination (being replayed included). */
    public long pending(String destination) {
        AtomicLong n = pending.get(destination);
        return n == null ? 0 : n.get();
    }

    /** Destinations with dead letters on disk, from the records themselves. */
    public Map<String, Long> pending() {
        Map<String, Long> out = new LinkedHashMap<>();
        pending.forEach((d, n) -> {
            if (n.get() > 0) {
                out.put(d, n.get());
            }
        });
        return out;
    }

    /**
     * Moves the dead letters of one destination (or all, when null) aside for a replay and
     * returns the files to replay: those just moved and any left by an interrupted replay.
     */
    synchronized List<Path> takeForReplay(String destination) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String only = destination == null ? null : fileName(destination);
        TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX) && (only == null || name.equals(only))) {
                    Path aside = dir.resolve(name.substring(0, name.length() - SUFFIX.length()) + "."
                            + System.currentTimeMillis() + REPLAYING);
                    Files.move(f, aside, StandardCopyOption.ATOMIC_MOVE);
                    out.add(aside);
                } else if (name.endsWith(REPLAYING) && (only == null
                        || name.startsWith(only.substring(0, only.length() - SUFFIX.length()) + "."))) {
                    out.add(f);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Reads a dead-letter file; a line torn by a crash is skipped (its source was never acknowledged). */
    @SuppressWarnings("unchecked")
    static List<Record> read(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> json;
                try {
                    json = JSON.readValue(line, new TypeReference<Map<String, Object>>() {
                    });
                } catch (IOException torn) {
                    LOG.warn("Skipping an unreadable line in {}: {}", file, torn.getMessage());
                    continue;
                }
                Schema schema = new Schema();
                Object fields = json.get("schema");
                if (fields instanceof List<?> list) {
                    for (Object f : list) {
                        schema.add(Field.fromJson((Map<String, Object>) f));
                    }
                }
                Map<String, Object> values = (Map<String, Object>) json.get("row");
                out.add(new Record((String) json.get("destination"),
                        values == null ? null : new MetadataRow(new LinkedHashMap<>(values), schema),
                        (Map<String, Object>) json.get("error"),
                        ((Number) json.getOrDefault("attempts", 1L)).intValue(),
                        Instant.parse((String) json.get("firstFailureTime")),
                        Instant.parse((String) json.get("lastFailureTime"))));
            }
        }
        return out;
    }

    /** A replayed file is done with: its rows were delivered or dead-lettered again. */
    synchronized void finishReplay(Path file, Map<String, Long> rowsPerDestination) throws IOException {
        Files.deleteIfExists(file);
        rowsPerDestination.forEach((d, n) -> {
            AtomicLong count = pending.get(d);
            if (count != null) {
                count.addAndGet(-n);
            }
        });
    }

    private void log(Record record) {
        // the fields of Cloud Logging's DICOM stream error; the JSON layout writes them top-level
        MapMessage<?, Object> entry = new MapMessage<>()
                .with("resource_name", storeName)
                .with("destination", String.valueOf(record.destination()))
                .with("error", record.error());
        String sop = record.row() == null ? null : record.row().getString("SOPInstanceUID");
        try (var labels = LogLabels.of(storeName, record.destination(), sop)) {
            LOG.error(entry);
        }
    }

    private void countExisting() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX) || name.endsWith(REPLAYING)) {
                    for (Record r : read(f)) {
                        pending.computeIfAbsent(r.destination(), d -> new AtomicLong()).incrementAndGet();
                    }
                }
            }
        }
    }

    static String fileName(String destination) {
        return (destination == null ? "unknown" : destination.replaceFirst("^bq://", ""))
                .replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX;
    }

    private synchronized void write(String name, byte[] line) throws IOException {
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.allocate(line.length + 1);
            buf.put(line).put((byte) '\n').flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
    }
}
