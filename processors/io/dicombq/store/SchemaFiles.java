package io.dicombq.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.Field;
import io.dicombq.row.Schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schemas of the store's rows, one file each ({@code ROOT/schemas/ID.json}), named by a hash
 * of their JSON. An index record names its row's schema ({@code schemaRef}) instead of holding
 * it: a scanner's header gives a schema of ~13 KB against a row of ~5 KB, and a store sees the
 * same few schemas over and over. A schema's file is on disk (forced) before the first record
 * naming it is appended, and is never changed or removed.
 */
final class SchemaFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {
    };
    private static final int KEPT = 256;

    private final Path dir;
    /** The ids of the schemas written or read lately, by their fields. */
    private final Map<List<Field>, String> ids = new ConcurrentHashMap<>();
    /** The same schemas by id. */
    private final Map<String, List<Field>> fields = new ConcurrentHashMap<>();

    SchemaFiles(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** The schema's id; its file is written first when this process has not seen the schema yet. */
    String idOf(Schema schema) throws IOException {
        List<Field> list = schema.fields();
        String id = ids.get(list);
        if (id != null) {
            return id;
        }
        byte[] json = JSON.writeValueAsBytes(schema.toJson());
        id = hash(json);
        Path file = dir.resolve(id + ".json");
        if (!Files.exists(file)) {
            write(file, json);
        }
        remember(id, list);
        return id;
    }

    /** The fields of the schema with this id. */
    List<Field> read(String id) throws IOException {
        List<Field> known = fields.get(id);
        if (known != null) {
            return known;
        }
        if (!id.matches("[0-9a-f]{32}")) {
            throw new IOException("an index record names schema '" + id + "', which is not a schema id");
        }
        List<Map<String, Object>> json;
        try {
            json = JSON.readValue(dir.resolve(id + ".json").toFile(), LIST);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IOException("an index record names schema " + id + ", but " + dir.resolve(id + ".json")
                    + " is missing (was the store's schemas folder removed?)", e);
        }
        List<Field> list = new ArrayList<>(json.size());
        for (Map<String, Object> f : json) {
            list.add(Field.fromJson(f));
        }
        list = List.copyOf(list);
        remember(id, list);
        return list;
    }

    private void remember(String id, List<Field> list) {
        if (ids.size() >= KEPT) {
            ids.clear();
            fields.clear();
        }
        ids.put(list, id);
        fields.put(id, list);
    }

    /**
     * Through a temporary name, forced to disk with its folder before the record that names it is
     * appended: the index may reach the disk before the schema otherwise. Two threads with the same
     * new schema both write it; the second rename puts the same bytes in place.
     */
    private void write(Path file, byte[] json) throws IOException {
        Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(json);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            out.force(true);
        }
        DicomStore.moveAtomically(tmp, file);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        }
    }

    private static String hash(byte[] json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
