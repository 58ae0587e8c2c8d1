package io.dicombq.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one Cloud Storage object into a temp file under the store's {@code .incoming/} folder
 * (never into memory: objects can be gigabytes), and sets the headers {@code direct:stream-instance}
 * expects. The temp file is then moved into the store by that route.
 */
public final class GcsDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(GcsDownloader.class);
    public static final String SOURCE = "DicomSource";
    public static final String STORAGE_CLASS = "DicomStorageClass";
    public static final String BLOB_SIZE = "DicomBlobSize";
    /** Exchange property holding the listed {@link BlobInfo}, for acknowledging the object afterwards. */
    public static final String BLOB = "GcsBlob";
    /** Exchange property holding the temp file, so it can be removed if the store did not take it. */
    public static final String TEMP_FILE = "GcsTempFile";

    /** Orphans younger than this are left alone: see {@link #removeOrphans()}. */
    static final Duration ORPHAN_AGE = Duration.ofHours(1);
    private static final String PREFIX = "gcs-";
    private static final String SUFFIX = ".part";

    private final Path incomingDir;

    public GcsDownloader(String incomingDir) {
        this.incomingDir = Path.of(incomingDir);
    }

    /** Watched-bucket step: body {@link BlobInfo} (from google-storage with includeBody=false) becomes the temp file. */
    public void download(Exchange exchange) throws IOException, InvalidPayloadException {
        BlobInfo blob = exchange.getMessage().getMandatoryBody(BlobInfo.class);
        Path file = download(GcsStorageFactory.lookup(exchange.getContext()), blob);
        exchange.setProperty(BLOB, blob);
        exchange.setProperty(TEMP_FILE, file);
        exchange.getMessage().setBody(file);
        exchange.getMessage().setHeader(SOURCE, "gcs");
        exchange.getMessage().setHeader(STORAGE_CLASS, storageClass(blob));
        exchange.getMessage().setHeader(BLOB_SIZE, blobSize(blob, file));
    }

    /** Downloads exactly the listed generation, so a newer upload under the same name is left for its own turn. */
    public Path download(Storage storage, BlobInfo blob) throws IOException {
        Files.createDirectories(incomingDir);
        Path file = Files.createTempFile(incomingDir, PREFIX, SUFFIX);
        BlobId id = blob.getBlobId();
        try (InputStream in = Channels.newInputStream(storage.reader(id))) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /**
     * Run once at start ({@code initMethod}): removes the temp files of downloads that a crash (kill -9)
     * cut short, which nothing else would ever remove. The object itself is still in the bucket and is
     * downloaded again. Only files at least an hour old go, so that a download still being written by
     * another process that shares the store folder is never pulled from under it.
     */
    public void removeOrphans() throws IOException {
        removeOrphans(Instant.now().minus(ORPHAN_AGE));
    }

    /** @return how many temp files last modified before {@code olderThan} were removed */
    int removeOrphans(Instant olderThan) throws IOException {
        if (!Files.isDirectory(incomingDir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incomingDir, PREFIX + "*" + SUFFIX)) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toInstant().isBefore(olderThan) && Files.deleteIfExists(part)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} unfinished Cloud Storage download(s) from {}", removed, incomingDir);
        }
        return removed;
    }

    /** Removes the temp file if the store did not move it away (failure, or bad input). */
    public void cleanUp(Exchange exchange) throws IOException {
        Path file = exchange.getProperty(TEMP_FILE, Path.class);
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** The object's class; buckets report STANDARD when none was set on the object. */
    public static String storageClass(BlobInfo blob) {
        StorageClass sc = blob.getStorageClass();
        return sc == null ? "STANDARD" : sc.name();
    }

    static long blobSize(BlobInfo blob, Path file) throws IOException {
        Long size = blob.getSize();
        return size != null ? size : Files.size(file);
    }
}
