package io.dicombq.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * Streams one Cloud Storage object into a temp file under the store's {@code .incoming/} folder
 * (never into memory: objects can be gigabytes), and sets the headers {@code direct:stream-instance}
 * expects. The temp file is then moved into the store by that route.
 */
public final class GcsDownloader {
    public static final String SOURCE = "DicomSource";
    public static final String STORAGE_CLASS = "DicomStorageClass";
    public static final String BLOB_SIZE = "DicomBlobSize";
    /** Exchange property holding the listed {@link BlobInfo}, for acknowledging the object afterwards. */
    public static final String BLOB = "GcsBlob";
    /** Exchange property holding the temp file, so it can be removed if the store did not take it. */
    public static final String TEMP_FILE = "GcsTempFile";

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
        Path file = Files.createTempFile(incomingDir, "gcs-", ".part");
        BlobId id = blob.getBlobId();
        try (InputStream in = Channels.newInputStream(storage.reader(id))) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
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
