package io.dicombq.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watched bucket's bookkeeping: which objects are ours to take, and where an object goes once
 * it was handled. A stored object is moved to the processed place (or deleted); an object that is
 * not DICOM is moved under the failed prefix with a {@code .reason.txt} object beside it. Both
 * leave the watched prefix, which is what keeps them from being polled again.
 */
public final class GcsInbox {
    private static final Logger LOG = LoggerFactory.getLogger(GcsInbox.class);
    static final String REASON_SUFFIX = ".reason.txt";

    private final String bucket;
    private final String prefix;
    private final boolean deleteProcessed;
    private final String processedBucket;
    private final String processedPrefix;
    private final String failedPrefix;

    /**
     * @param processed    {@code delete}, a prefix in the same bucket ({@code processed/}), or
     *                     {@code gs://other-bucket/prefix/}
     * @param failedPrefix prefix in the watched bucket for objects that are not DICOM
     */
    public GcsInbox(String bucket, String prefix, String processed, String failedPrefix) {
        this.bucket = bucket == null ? "" : bucket.trim();
        this.prefix = prefix == null ? "" : prefix.trim();
        String p = processed == null ? "" : processed.trim();
        this.deleteProcessed = p.equalsIgnoreCase("delete");
        if (p.startsWith("gs://")) {
            String rest = p.substring("gs://".length());
            int slash = rest.indexOf('/');
            this.processedBucket = slash < 0 ? rest : rest.substring(0, slash);
            this.processedPrefix = slash < 0 ? "" : rest.substring(slash + 1);
        } else {
            this.processedBucket = this.bucket;
            this.processedPrefix = deleteProcessed ? "" : p;
        }
        this.failedPrefix = failedPrefix == null || failedPrefix.isBlank() ? "failed/" : failedPrefix.trim();
        if (isWatching()) {
            validate();
        }
    }

    private void validate() {
        if (!deleteProcessed && processedBucket.equals(bucket) && processedPrefix.equals(prefix)) {
            throw new IllegalArgumentException("dicom.gcs.processed must differ from dicom.gcs.prefix, or be 'delete'");
        }
        if (failedPrefix.equals(prefix)) {
            throw new IllegalArgumentException("dicom.gcs.failed-prefix must differ from dicom.gcs.prefix");
        }
    }

    /** The watched-bucket route starts only when a bucket is configured. */
    public boolean isWatching() {
        return !bucket.isEmpty();
    }

    /**
     * The bucket for the consumer's URI. When none is configured the route is not started, but Camel
     * still builds its endpoint, which needs some name: it is never contacted.
     */
    public String endpointBucket() {
        return isWatching() ? bucket : "unconfigured-bucket";
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Regular expression for the consumer's {@code filter} option: everything under the watched
     * prefix, except what we moved there ourselves (processed/failed prefixes inside the watched
     * area, e.g. when the whole bucket is watched) and "folder" placeholder objects.
     */
    public String objectFilter() {
        List<String> excluded = new ArrayList<>();
        if (failedPrefix.startsWith(prefix)) {
            excluded.add(Pattern.quote(failedPrefix));
        }
        if (!deleteProcessed && processedBucket.equals(bucket) && processedPrefix.startsWith(prefix)) {
            excluded.add(Pattern.quote(processedPrefix));
        }
        String notExcluded = excluded.isEmpty() ? "" : "(?!" + String.join("|", excluded) + ")";
        return notExcluded + "(?s).*[^/]";
    }

    /** Called only after {@code direct:stream-instance} returned: the object leaves the watched prefix. */
    public void acknowledge(Exchange exchange) {
        BlobInfo blob = exchange.getProperty(GcsDownloader.BLOB, BlobInfo.class);
        Storage storage = GcsStorageFactory.lookup(exchange.getContext());
        BlobId source = blob.getBlobId();
        if (deleteProcessed) {
            delete(storage, source);
            LOG.info("gs://{}/{} stored and deleted", source.getBucket(), source.getName());
            return;
        }
        BlobId target = BlobId.of(processedBucket, processedPrefix + relativeName(source.getName()));
        move(storage, source, target);
        LOG.info("gs://{}/{} stored and moved to gs://{}/{}", source.getBucket(), source.getName(),
                target.getBucket(), target.getName());
    }

    /** Not DICOM: the object goes under the failed prefix with a reason object beside it. */
    public void reject(Exchange exchange) {
        BlobInfo blob = exchange.getProperty(GcsDownloader.BLOB, BlobInfo.class);
        Storage storage = GcsStorageFactory.lookup(exchange.getContext());
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "not a DICOM instance" : cause.getMessage();
        BlobId source = blob.getBlobId();
        BlobId target = BlobId.of(bucket, failedPrefix + relativeName(source.getName()));
        // reason first: if we stop between the two steps the object is still in the inbox and is
        // simply rejected again, overwriting both
        String text = "object: gs://" + source.getBucket() + "/" + source.getName() + "\nreason: " + reason + "\n";
        storage.create(BlobInfo.newBuilder(BlobId.of(bucket, target.getName() + REASON_SUFFIX))
                .setContentType("text/plain; charset=utf-8").build(), text.getBytes(StandardCharsets.UTF_8));
        move(storage, source, target);
        LOG.warn("gs://{}/{} is not DICOM ({}); moved to gs://{}/{}", source.getBucket(), source.getName(), reason,
                target.getBucket(), target.getName());
    }

    /** Copy, then delete exactly the generation that was handled: a newer upload under that name stays. */
    private static void move(Storage storage, BlobId source, BlobId target) {
        storage.copy(Storage.CopyRequest.newBuilder().setSource(source).setTarget(target).build()).getResult();
        delete(storage, source);
    }

    private static void delete(Storage storage, BlobId source) {
        try {
            boolean deleted = source.getGeneration() == null
                    ? storage.delete(source)
                    : storage.delete(source, Storage.BlobSourceOption.generationMatch());
            if (!deleted) {
                LOG.debug("gs://{}/{} was already gone", source.getBucket(), source.getName());
            }
        } catch (StorageException e) {
            if (e.getCode() != 412) {
                throw e;
            }
            // precondition failed: a newer upload replaced the object meanwhile; it stays to be polled
            LOG.info("gs://{}/{} was replaced by a newer upload, which stays in the inbox", source.getBucket(),
                    source.getName());
        }
    }

    private String relativeName(String objectName) {
        String rel = objectName.startsWith(prefix) ? objectName.substring(prefix.length()) : objectName;
        return rel.startsWith("/") ? rel.substring(1) : rel;
    }
}
