package io.dicombq.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.MetadataRow;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps rows a destination would not take after every retry: one JSON line per row in
 * {@code DATA/dead-letters/DESTINATION.ndjson} (destination, row, schema, error, attempts,
 * failure times), written and forced to disk before the source is acknowledged, and an ERROR
 * log entry shaped like Cloud Logging's DICOM stream error.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger("io.dicombq.dead-letter");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String storeName;

    public DeadLetters(String dataDir, String storeName) {
        this.dir = Path.of(dataDir).resolve("dead-letters");
        this.storeName = storeName;
    }

    public Path dir() {
        return dir;
    }

    public void record(Exchange exchange) throws IOException {
        String destination = exchange.getMessage().getHeader("DicomDestination", String.class);
        MetadataRow row = exchange.getMessage().getBody(MetadataRow.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer attempts = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Long firstFailure = exchange.getProperty("DicomFirstFailure", Long.class);
        Instant now = Instant.now();

        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", error instanceof RowRejectedException ? 3 : 14); // INVALID_ARGUMENT : UNAVAILABLE
        err.put("message", error == null ? "unknown error" : String.valueOf(error.getMessage()));

        Map<String, Object> record = new LinkedHashMap<>();
        record.put("destination", destination);
        record.put("resource_name", storeName);
        record.put("error", err);
        record.put("attempts", (attempts == null ? 0 : attempts) + 1);
        record.put("firstFailureTime", (firstFailure == null ? now : Instant.ofEpochMilli(firstFailure)).toString());
        record.put("lastFailureTime", now.toString());
        record.put("row", row == null ? null : row.values());
        record.put("schema", row == null ? null : row.schema().toJson());
        append(destination, JSON.writeValueAsBytes(record));

        Map<String, Object> log = new LinkedHashMap<>();
        log.put("resource_name", storeName);
        log.put("destination", destination);
        log.put("error", err);
        if (row != null) {
            log.put("sop_instance_uid", row.getString("SOPInstanceUID"));
        }
        LOG.error("{}", JSON.writeValueAsString(log));
    }

    private synchronized void append(String destination, byte[] line) throws IOException {
        Files.createDirectories(dir);
        String name = (destination == null ? "unknown" : destination.replaceFirst("^bq://", ""))
                .replaceAll("[^A-Za-z0-9._-]", "_") + ".ndjson";
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
