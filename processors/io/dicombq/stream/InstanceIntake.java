package io.dicombq.stream;

import io.dicombq.InvalidDicomException;
import io.dicombq.row.DicomInstanceReader;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.ParsedInstance;
import io.dicombq.row.RowSizePolicy;
import io.dicombq.row.ServiceColumns;
import io.dicombq.store.DicomStore;
import io.dicombq.store.StoredInstance;
import io.dicombq.store.Uids;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The first step of {@code stream-instance}: reads an instance's header, checks its UIDs, keeps
 * it in the store and returns it with its INSERT row. Every entry point (drop folder, STOW-RS,
 * Cloud Storage) hands a local file to this one step.
 */
public final class InstanceIntake {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceIntake.class);

    private final DicomStore store;
    private final DicomInstanceReader reader;
    private final long maxRowBytes;

    /** @param maxRowBytes the destinations' per-row limit (BigQuery streaming: 1,000,000 bytes encoded) */
    public InstanceIntake(DicomStore store, long maxRowBytes) {
        this.store = store;
        this.reader = new DicomInstanceReader();
        this.maxRowBytes = maxRowBytes;
    }

    /**
     * @param source        folder (the file stays where it is until the route acknowledges it), stow, gcs or import
     * @param storageClass  the source's storage class, STANDARD when not given
     * @param expectedStudy for STOW-RS to {@code studies/{study}}: the study every instance must belong to
     * @param blobSize      the source's own size when it knows better than the local file (Cloud Storage)
     */
    public StoredInstance store(@Body Object body, @Header("DicomSource") String source,
                                @Header("DicomStorageClass") String storageClass,
                                @Header("DicomExpectedStudy") String expectedStudy,
                                @Header("DicomBlobSize") Long blobSize) throws Exception {
        Path file = toPath(body);
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            throw new InvalidDicomException("a symbolic link to a file that does not exist ("
                    + Files.readSymbolicLink(file) + ")");
        }
        ParsedInstance parsed = reader.read(file);
        checkUid("StudyInstanceUID", parsed.studyInstanceUid());
        checkUid("SeriesInstanceUID", parsed.seriesInstanceUid());
        checkUid("SOPInstanceUID", parsed.sopInstanceUid());
        if (expectedStudy != null && !expectedStudy.equals(parsed.studyInstanceUid())) {
            throw new InvalidDicomException("StudyInstanceUID mismatch: the instance belongs to study "
                    + parsed.studyInstanceUid() + ", not to " + expectedStudy);
        }
        for (String warning : parsed.warnings()) {
            LOG.warn("{} ({}): {}", parsed.sopInstanceUid(), file.getFileName(), warning);
        }
        Instant storedAt = Instant.now();
        String sc = storageClass == null || storageClass.isBlank() ? "STANDARD" : storageClass;
        boolean keepSource = source == null || "folder".equals(source);
        long size = blobSize != null ? blobSize : Files.size(file);
        MetadataRow row = ServiceColumns.apply(parsed.row(), ServiceColumns.INSERT, storedAt, size, sc);
        // a row over the limit keeps the instance: its largest elements move to DroppedTags
        row = RowSizePolicy.fit(row, maxRowBytes);
        return store.put(file, keepSource, parsed.studyInstanceUid(), parsed.seriesInstanceUid(),
                parsed.sopInstanceUid(), parsed.sopClassUid(), row, storedAt, sc);
    }

    private static void checkUid(String attribute, String uid) throws InvalidDicomException {
        if (!Uids.isValid(uid)) {
            try {
                Uids.require(attribute, uid);
            } catch (IllegalArgumentException e) {
                throw new InvalidDicomException(e.getMessage());
            }
        }
    }

    static Path toPath(Object body) {
        if (body instanceof Path p) {
            return p;
        }
        if (body instanceof File f) {
            return f.toPath();
        }
        if (body instanceof GenericFile<?> gf && gf.getFile() instanceof File f) {
            return f.toPath();
        }
        throw new IllegalArgumentException("stream-instance expects a local file, got "
                + (body == null ? "nothing" : body.getClass().getName()));
    }
}
