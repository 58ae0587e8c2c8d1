package io.dicombq.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import io.dicombq.InvalidDicomException;
import io.dicombq.ops.Operation;
import io.dicombq.ops.Operations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code :import} from Cloud Storage: validates the request, starts a long-running operation and
 * returns it at once; the objects are then listed page by page and each match is stored and
 * streamed through {@code direct:stream-instance}, exactly like an object from the watched bucket.
 * Every failure is counted, listed in the operation's errors and logged; none is skipped silently.
 * The source objects are left where they are (an import copies, it does not consume).
 */
public final class GcsImporter {
    private static final Logger LOG = LoggerFactory.getLogger(GcsImporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Registry name of the shared {@link Operations} (also read by GET .../operations/{id}). */
    public static final String OPERATIONS_BEAN = "operations";

    private final GcsDownloader downloader;
    private final int pageSize;
    private final int threads;
    private volatile ExecutorService executor;

    /** @param incomingDir where objects are downloaded to before the store takes them ({@code {{dicom.store.dir}}/.incoming}) */
    public GcsImporter(String incomingDir, int pageSize, int threads) {
        this.downloader = new GcsDownloader(incomingDir);
        this.pageSize = pageSize;
        this.threads = threads;
    }

    /** Route step for {@code direct:import}: body is the request JSON, the answer is the started {@link Operation}. */
    public Operation start(String requestJson, Exchange exchange) {
        GcsWildcard source = parseRequest(requestJson);
        CamelContext context = exchange.getContext();
        // looked up, not injected: beans from different route files are built in file order
        Operation op = CamelContextHelper.mandatoryLookup(context, OPERATIONS_BEAN, Operations.class)
                .start("ImportDicomData");
        Storage storage = GcsStorageFactory.lookup(context);
        LOG.info("Import {} started as {}", source.uri(), op.name());
        executor(context).submit(() -> run(storage, source, op, context));
        return op;
    }

    /** @throws IllegalArgumentException naming {@code gcsSource.uri} when the request is not usable */
    public static GcsWildcard parseRequest(String requestJson) {
        JsonNode root;
        try {
            root = JSON.readTree(requestJson == null ? "" : requestJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("request body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("request body must be {\"gcsSource\":{\"uri\":\"gs://...\"}}");
        }
        JsonNode uri = root.path("gcsSource").path("uri");
        if (!uri.isTextual()) {
            throw new IllegalArgumentException("gcsSource.uri is required, e.g. gs://bucket/dir/**.dcm");
        }
        return GcsWildcard.parse(uri.asText());
    }

    private synchronized ExecutorService executor(CamelContext context) {
        if (executor == null) {
            // managed by Camel, so it is shut down with the context
            executor = context.getExecutorServiceManager().newFixedThreadPool(this, "gcs-import", threads);
        }
        return executor;
    }

    /** Lists one page at a time: the pending counter grows by each page's matches as they are found. */
    void run(Storage storage, GcsWildcard source, Operation op, CamelContext context) {
        try (ProducerTemplate template = context.createProducerTemplate()) {
            Page<Blob> page = storage.list(source.bucket(), listOptions(source));
            while (page != null) {
                List<Blob> matches = new ArrayList<>();
                for (Blob blob : page.getValues()) {
                    if (!blob.getName().endsWith("/") && source.matches(blob.getName())) {
                        matches.add(blob);
                    }
                }
                op.addPending(matches.size());
                for (Blob blob : matches) {
                    importOne(storage, blob, op, template);
                }
                page = page.hasNextPage() ? page.getNextPage() : null;
            }
            if (op.success() + op.failure() == 0) {
                LOG.warn("Import {} ({}) matched no objects", source.uri(), op.name());
            }
            LOG.info("Import {} ({}) finished: {} stored, {} failed", source.uri(), op.name(), op.success(), op.failure());
            op.finish(null);
        } catch (Exception e) {
            LOG.error("Import {} ({}) stopped: {}", source.uri(), op.name(), e.toString(), e);
            op.finish("import of " + source.uri() + " stopped: " + e.getMessage());
        }
    }

    private Storage.BlobListOption[] listOptions(GcsWildcard source) {
        return source.listPrefix().isEmpty()
                ? new Storage.BlobListOption[] {Storage.BlobListOption.pageSize(pageSize)}
                : new Storage.BlobListOption[] {
                        Storage.BlobListOption.pageSize(pageSize), Storage.BlobListOption.prefix(source.listPrefix())};
    }

    private void importOne(Storage storage, Blob blob, Operation op, ProducerTemplate template) {
        String what = "gs://" + blob.getBucket() + "/" + blob.getName();
        Path file = null;
        try {
            file = downloader.download(storage, blob);
            Path body = file;
            Exchange result = template.send("direct:stream-instance", ex -> {
                ex.getMessage().setBody(body);
                ex.getMessage().setHeader(GcsDownloader.SOURCE, "import");
                ex.getMessage().setHeader(GcsDownloader.STORAGE_CLASS, GcsDownloader.storageClass(blob));
                ex.getMessage().setHeader(GcsDownloader.BLOB_SIZE, GcsDownloader.blobSize(blob, body));
            });
            Exception failure = result.getException();
            if (failure == null) {
                op.succeeded();
            } else if (failure instanceof InvalidDicomException) {
                LOG.warn("Import {}: {} is not DICOM: {}", op.name(), what, failure.getMessage());
                op.failed(what, failure.getMessage());
            } else {
                LOG.error("Import {}: {} could not be stored: {}", op.name(), what, failure.toString(), failure);
                op.failed(what, "internal error: " + failure.getMessage());
            }
        } catch (Exception e) {
            LOG.error("Import {}: {} could not be read: {}", op.name(), what, e.toString(), e);
            op.failed(what, "cannot read object: " + e.getMessage());
        } finally {
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot remove temp file {}: {}", file, e.toString());
            }
        }
    }
}
