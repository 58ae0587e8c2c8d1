package io.dicombq.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The project's own DICOM store: one file per instance under
 * {@code ROOT/studies/STUDY/series/SERIES/instances/SOP.dcm}, and per series an index
 * ({@code SERIES/instances.jsonl}, see {@link SeriesIndex}) holding when each instance was stored
 * and the INSERT row it gave, which the deletion enricher and export read back. An instance
 * reaches its real name by a hard link or an atomic rename, so a crash never leaves a
 * half-written instance there; its index record is appended after it.
 */
public final class DicomStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private final Path root;
    private final Path studies;
    private final Path incoming;
    private final SeriesIndex index = new SeriesIndex();
    private final SchemaFiles schemas;

    public DicomStore(String root) {
        this.root = Path.of(root).toAbsolutePath().normalize();
        this.studies = this.root.resolve("studies");
        this.incoming = this.root.resolve(".incoming");
        try {
            Files.createDirectories(studies);
            Files.createDirectories(incoming);
            this.schemas = new SchemaFiles(this.root.resolve("schemas"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DICOM store under " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** A fresh temporary file on the store's file system, for spooling uploads and downloads. */
    public Path newIncomingFile() throws IOException {
        return Files.createTempFile(incoming, "in-", ".part");
    }

    /**
     * Keeps an instance. {@code keepSource} true copies (hard-links where it can) the source, which
     * the caller removes later; false moves it. The UIDs must have been validated.
     */
    public StoredInstance put(Path source, boolean keepSource, String study, String series, String sop,
                              String sopClassUid, MetadataRow row, Instant storedAt, String storageClass)
            throws IOException {
        Path seriesDir = seriesDir(study, series);
        Path dir = seriesDir.resolve("instances");
        Path target = dir.resolve(sop + ".dcm");
        try {
            place(source, keepSource, target);
        } catch (NoSuchFileException e) {
            // the series is new (folders are made only then: a mkdir per instance showed in the profile)
            Files.createDirectories(dir);
            place(source, keepSource, target);
        }
        StoredInstance stored = new StoredInstance(study, series, sop, sopClassUid, target, Files.size(target),
                storedAt, storageClass, row);
        index.append(seriesDir, toJson(stored));
        return stored;
    }

    /**
     * Puts the source's bytes under {@code target} in one step: a hard link (or a rename) straight to
     * the name when it can, through a temporary name when the instance is stored again or the
     * source is on another file system.
     */
    private static void place(Path source, boolean keepSource, Path target) throws IOException {
        if (keepSource && Files.isSymbolicLink(source)) {
            // a link dropped into the inbox: the store takes a copy of what it points to; a hard link
            // would keep the symbolic link itself, or share the file its owner may still change
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            moveAtomically(tmp, target);
            return;
        }
        try {
            if (keepSource) {
                Files.createLink(target, source);
            } else {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | UnsupportedOperationException e) {
            // stored before (a link never replaces), or another file system: go through a temporary name
        } catch (IOException e) {
            if (!keepSource) {
                throw e;
            }
            // the link itself failed (another device, no links on this file system): copy instead
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        if (keepSource) {
            try {
                Files.createLink(tmp, source);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
        } else {
            Files.move(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        moveAtomically(tmp, target);
    }

    /** Every stored instance under a study, a series, or one instance (null narrows nothing). */
    public List<StoredInstance> find(String study, String series, String sop) throws IOException {
        List<StoredInstance> found = new ArrayList<>();
        Path studyDir = studies.resolve(study);
        if (!Files.isDirectory(studyDir)) {
            return found;
        }
        for (Path seriesDir : children(studyDir.resolve("series"))) {
            if (series != null && !seriesDir.getFileName().toString().equals(series)) {
                continue;
            }
            Map<String, Map<String, Object>> indexed = index.read(seriesDir);
            for (Path file : children(seriesDir.resolve("instances"))) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".dcm") || name.startsWith(".")) {
                    continue;
                }
                if (sop != null && !name.equals(sop + ".dcm")) {
                    continue;
                }
                Map<String, Object> record = indexed.get(name.substring(0, name.length() - ".dcm".length()));
                if (record != null) {
                    found.add(fromJson(file, record));
                } else {
                    // stored by a version that kept a sidecar per instance, or a crash came
                    // between the instance and its index record (then its source comes again)
                    readSidecar(file).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    public Optional<StoredInstance> get(String study, String series, String sop) throws IOException {
        List<StoredInstance> found = find(study, series, sop);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Visits every stored instance, study by study, without holding the whole list. */
    public void forEach(Consumer<StoredInstance> visitor) throws IOException {
        for (Path studyDir : children(studies)) {
            for (StoredInstance s : find(studyDir.getFileName().toString(), null, null)) {
                visitor.accept(s);
            }
        }
    }

    /** Removes the instance and its index record; empty series and study folders go too. */
    public void remove(StoredInstance instance) throws IOException {
        Path instances = instance.file().getParent();
        index.removeWhere(instances.getParent(), record -> instance.sop().equals(record.get("sop")), () -> {
            Files.deleteIfExists(instance.file());
            Files.deleteIfExists(sidecar(instance.file()));
        });
        deleteIfEmpty(instances);
        deleteIfEmpty(instances.getParent());
        deleteIfEmpty(instances.getParent().getParent());
        deleteIfEmpty(instances.getParent().getParent().getParent());
    }

    private Path seriesDir(String study, String series) {
        Path dir = studies.resolve(Uids.require("StudyInstanceUID", study))
                .resolve("series").resolve(Uids.require("SeriesInstanceUID", series));
        if (!dir.normalize().startsWith(studies)) {
            throw new IllegalArgumentException("UIDs escape the store: " + study + "/" + series);
        }
        return dir;
    }

    /** The JSON sidecar ({@code SOP.json}) earlier versions wrote beside each instance. */
    private Optional<StoredInstance> readSidecar(Path dcm) throws IOException {
        Path sidecar = sidecar(dcm);
        try {
            Map<String, Object> json = JSON.readValue(sidecar.toFile(), MAP);
            return Optional.of(fromJson(dcm, json));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty(); // a crash between the instance and its sidecar: the source is sent again
        }
    }

    /** A record as the index or a sidecar holds it: its schema named ({@link SchemaFiles}) or, written before, inline. */
    @SuppressWarnings("unchecked")
    private StoredInstance fromJson(Path dcm, Map<String, Object> json) throws IOException {
        Schema schema = new Schema();
        if (json.get("schemaRef") instanceof String ref) {
            schema.addAll(schemas.read(ref));
        } else {
            for (Object f : (List<Object>) json.getOrDefault("schema", List.of())) {
                schema.add(Field.fromJson((Map<String, Object>) f));
            }
        }
        MetadataRow row = new MetadataRow(new LinkedHashMap<>((Map<String, Object>) json.get("row")), schema);
        return new StoredInstance((String) json.get("study"), (String) json.get("series"), (String) json.get("sop"),
                (String) json.get("sopClassUid"), dcm, ((Number) json.get("size")).longValue(),
                Instant.parse((String) json.get("storedAt")), (String) json.get("storageClass"), row);
    }

    private Map<String, Object> toJson(StoredInstance s) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("study", s.study());
        json.put("series", s.series());
        json.put("sop", s.sop());
        json.put("sopClassUid", s.sopClassUid());
        json.put("size", s.size());
        json.put("storedAt", s.storedAt().toString());
        json.put("storageClass", s.storageClass());
        json.put("row", s.row().values());
        json.put("schemaRef", schemas.idOf(s.row().schema()));
        return json;
    }

    private static Path sidecar(Path dcm) {
        String name = dcm.getFileName().toString();
        return dcm.resolveSibling(name.substring(0, name.length() - ".dcm".length()) + ".json");
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    private void deleteIfEmpty(Path dir) {
        if (dir == null || !dir.startsWith(studies) || dir.equals(studies)) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
            // DirectoryNotEmptyException: other instances still live there
        }
    }
}
