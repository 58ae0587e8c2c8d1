package io.dicombq.api;

import io.dicombq.InvalidDicomException;
import io.dicombq.store.StoredInstance;
import io.dicombq.store.Uids;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * Handles a STOW-RS request: reads the {@code multipart/related; type="application/dicom"} body as a
 * stream (mime4j's pull parser, one part at a time, nothing held in memory), spools each part to a
 * file under {@code STORE_DIR/.incoming/} and hands it to {@code direct:stream-instance}, the route a
 * dropped file takes too. The parts of a request are delivered concurrently ({@link PartsInFlight}, on
 * the {@code stow-parts} thread pool), so that their rows share the destinations' batches; the body is
 * still read one part at a time. Each part succeeds or fails on its own; the answer is a
 * {@link StoreResponse}, in body order, once every part is in every destination (or refused).
 */
public class StowRequest implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(StowRequest.class);
    static final String INGEST = "direct:stream-instance";
    /** The Camel thread pool profile the parts run on ({@code camel.threadpool.config[stow-parts]}). */
    static final String POOL = "stow-parts";
    private static final long IDLE_TIMEOUT_MILLIS = 120_000;
    // headers are small; bodies are unlimited (streamed to disk)
    private static final MimeConfig MIME = new MimeConfig.Builder()
            .setStrictParsing(true)
            .setMaxLineLen(64 * 1024)
            .setMaxHeaderLen(64 * 1024)
            .setMaxHeaderCount(100)
            .setMaxContentLen(-1)
            .build();

    private final Path incoming;
    private final int parallelParts;
    private volatile ProducerTemplate template;
    private volatile ExecutorService pool;

    /**
     * @param storeDir      the store's directory ({@code dicom.store.dir}); parts are spooled to its {@code .incoming/}
     * @param parallelParts parts of one request delivered at once ({@code dicom.stow.parallel-parts})
     */
    public StowRequest(String storeDir, int parallelParts) {
        this.incoming = Path.of(storeDir).resolve(".incoming");
        this.parallelParts = parallelParts;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String urlStudy = in.getHeader("study", String.class);
        if (urlStudy != null && !Uids.isValid(urlStudy)) {
            throw ApiException.badRequest("invalid StudyInstanceUID in URL: '" + StorePath.printable(urlStudy)
                    + "' (a UID is digits and dots, at most 64 characters)");
        }
        String contentType = checkContentType(in.getHeader(Exchange.CONTENT_TYPE, String.class));
        StoreResponse response = new StoreResponse(studiesUrl(in.getHeader(Exchange.HTTP_URL, String.class)));
        if (!Files.isDirectory(incoming)) {
            // asked first: on an existing folder createDirectories throws and catches inside the JDK
            // (1.5 % of the bundle's CPU with one instance per request)
            Files.createDirectories(incoming);
        }
        CamelContext context = exchange.getContext();
        try (InputStream body = bodyOf(in); PartsInFlight parts = new PartsInFlight(pool(context), parallelParts)) {
            if (contentType == null) {
                storeSingle(context, body, urlStudy, parts);
            } else {
                readParts(context, body, contentType, urlStudy, parts, response);
            }
            parts.applyTo(response);
        }
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, response.httpStatus());
        in.setHeader(Exchange.CONTENT_TYPE, "application/dicom+json");
        in.setBody(response.toJson(urlStudy));
    }

    /**
     * Returns the multipart Content-Type to parse with, null for a single {@code application/dicom}
     * instance (accepted as Google's API accepts it, so its documented curl command works), or refuses
     * the request (415 wrong type, 400 no boundary).
     */
    static String checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new ApiException(415, "Content-Type must be multipart/related; type=\"application/dicom\"");
        }
        RawBody parsed = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", contentType));
        String mediaType = parsed.getValue() == null ? "" : parsed.getValue().trim().toLowerCase(Locale.ROOT);
        String type = null;
        String boundary = null;
        for (NameValuePair p : parsed.getParams()) {
            if ("type".equalsIgnoreCase(p.getName())) {
                type = p.getValue();
            } else if ("boundary".equalsIgnoreCase(p.getName())) {
                boundary = p.getValue();
            }
        }
        if ("application/dicom".equals(mediaType)) {
            return null;
        }
        if (!"multipart/related".equals(mediaType)) {
            throw new ApiException(415, "Content-Type " + StorePath.printable(mediaType)
                    + " is not supported; use multipart/related; type=\"application/dicom\"");
        }
        // PS3.18 8.6.1.2: the type parameter names the parts; only binary DICOM parts are accepted here
        if (type != null && !"application/dicom".equalsIgnoreCase(type.trim())) {
            throw new ApiException(415, "multipart/related type \"" + StorePath.printable(type)
                    + "\" is not supported; only type=\"application/dicom\" is");
        }
        if (boundary == null || boundary.isEmpty()) {
            throw ApiException.badRequest("Content-Type multipart/related has no boundary parameter");
        }
        return contentType;
    }

    private void readParts(CamelContext context, InputStream body, String contentType, String urlStudy,
                           PartsInFlight inFlight, StoreResponse response) throws Exception {
        MimeTokenStream parts = new MimeTokenStream(MIME);
        parts.parseHeadless(body, contentType);
        String partType = null;
        int seen = 0;
        try {
            for (EntityState state = next(parts); state != EntityState.T_END_OF_STREAM; state = next(parts)) {
                switch (state) {
                    case T_START_BODYPART -> {
                        partType = null;
                        // the part before this one was not the last: it starts now, on the pool
                        inFlight.another();
                    }
                    case T_FIELD -> {
                        if ("Content-Type".equalsIgnoreCase(parts.getField().getName())) {
                            partType = parts.getField().getBody();
                        }
                    }
                    case T_BODY -> {
                        seen++;
                        storePart(context, parts.getDecodedInputStream(), partType, urlStudy, inFlight);
                    }
                    default -> {
                    }
                }
            }
        } catch (MimeException | PartReadException e) {
            // the body broke off or is not MIME: what was stored stays stored, the rest is refused
            inFlight.applyTo(response);
            if (response.storedCount() == 0) {
                throw ApiException.badRequest("malformed multipart/related body: " + reason(e));
            }
            response.failed(null, null, StoreResponse.CANNOT_UNDERSTAND);
            return;
        }
        if (seen == 0) {
            throw ApiException.badRequest("multipart/related body has no parts"
                    + " (is the boundary parameter the one used in the body?)");
        }
    }

    private void storeSingle(CamelContext context, InputStream body, String urlStudy, PartsInFlight inFlight)
            throws IOException, InterruptedException {
        try {
            storePart(context, body, null, urlStudy, inFlight);
        } catch (PartReadException e) {
            throw ApiException.badRequest("request body could not be read: " + reason(e));
        }
    }

    private static EntityState next(MimeTokenStream parts) throws MimeException, PartReadException {
        try {
            return parts.next();
        } catch (IOException e) {
            throw new PartReadException(e);
        }
    }

    /** Spools a part in the request's thread, then hands it to {@link PartsInFlight}, which delivers it. */
    private void storePart(CamelContext context, InputStream part, String partType, String urlStudy,
                           PartsInFlight inFlight) throws PartReadException, IOException, InterruptedException {
        if (partType != null && !isDicomType(partType)) {
            drain(part);
            inFlight.done(r -> r.failed(null, null, StoreResponse.CANNOT_UNDERSTAND));
            return;
        }
        // a new name opened once with CREATE_NEW: a temp file created and then reopened with
        // TRUNCATE_EXISTING made ext4 start writing it back in close() (its rule for files emptied
        // and rewritten), ~2 % of the bundle's CPU with one instance per request
        Path file = incoming.resolve("stow-" + UUID.randomUUID() + ".part");
        boolean handedOver = false;
        try {
            try {
                spool(part, file);
            } catch (SpoolWriteException e) {
                LOG.warn("STOW part could not be spooled to {}: {}", file, e.getMessage());
                drain(part);
                inFlight.done(r -> r.failed(null, null, StoreResponse.OUT_OF_RESOURCES));
                return;
            }
            inFlight.submit(() -> ingest(context, file, urlStudy));
            handedOver = true;
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Runs a spooled part through the ingest route (on the pool, or on the request's thread for the
     * last part); returns what it adds to the answer.
     */
    private PartsInFlight.Outcome ingest(CamelContext context, Path file, String urlStudy) throws IOException {
        boolean kept = false;
        try {
            Exchange result = template(context).send(INGEST, ex -> {
                ex.getMessage().setBody(file);
                ex.getMessage().setHeader("DicomSource", "stow");
                ex.getMessage().setHeader("DicomExpectedStudy", urlStudy);
            });
            if (result.getException() == null) {
                // the store moved the file to its place: nothing is left here to delete
                kept = true;
                StoredInstance stored = result.getMessage().getBody(StoredInstance.class);
                return r -> r.stored(stored.study(), stored.series(), stored.sop(), stored.sopClassUid());
            }
            int reason = failureReason(result);
            PartUids uids = Files.exists(file) ? PartUids.of(file) : new PartUids(null, null);
            return r -> r.failed(uids.sopClassUid(), uids.sopInstanceUid(), reason);
        } finally {
            if (!kept) {
                // a refused part, which the client was told about
                Files.deleteIfExists(file);
            }
        }
    }

    static int failureReason(Exchange result) {
        InvalidDicomException invalid = result.getException(InvalidDicomException.class);
        if (invalid == null) {
            LOG.warn("STOW part failed in processing", result.getException());
            return StoreResponse.PROCESSING_FAILURE;
        }
        LOG.info("STOW part refused: {}", invalid.getMessage());
        String message = invalid.getMessage() == null ? "" : invalid.getMessage();
        return message.startsWith("StudyInstanceUID mismatch") ? StoreResponse.DOES_NOT_MATCH
                : StoreResponse.CANNOT_UNDERSTAND;
    }

    private static boolean isDicomType(String partType) {
        RawBody parsed = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", partType));
        return parsed.getValue() != null && "application/dicom".equalsIgnoreCase(parsed.getValue().trim());
    }

    /** Streams a part to disk, telling a failing request (the client's fault) from a failing disk (ours). */
    private static void spool(InputStream part, Path file) throws PartReadException, SpoolWriteException {
        // the part's reads come in mime4j's 4 KB steps: the buffer is filled before each write, so a
        // 100 KB instance is two write calls rather than 25, each a system call
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int filled = 0;
            while (true) {
                int n;
                try {
                    n = part.read(buffer, filled, buffer.length - filled);
                } catch (IOException e) {
                    throw new PartReadException(e);
                }
                if (n < 0) {
                    if (filled > 0) {
                        out.write(buffer, 0, filled);
                    }
                    return;
                }
                filled += n;
                if (filled == buffer.length) {
                    out.write(buffer, 0, filled);
                    filled = 0;
                }
            }
        } catch (IOException e) {
            throw new SpoolWriteException(e);
        }
    }

    private static void drain(InputStream part) throws PartReadException {
        try {
            part.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new PartReadException(e);
        }
    }

    private static InputStream bodyOf(Message in) {
        Object body = in.getBody();
        if (body instanceof HttpServerRequest request) {
            return new RequestBodyStream(request, IDLE_TIMEOUT_MILLIS);
        }
        InputStream stream = in.getBody(InputStream.class);
        return stream != null ? stream : InputStream.nullInputStream();
    }

    /** {@code http://host/v1/.../dicomWeb/studies}, the root of every RetrieveURL in the answer. */
    static String studiesUrl(String requestUrl) {
        String marker = "/dicomWeb/studies";
        int at = requestUrl == null ? -1 : requestUrl.indexOf(marker);
        return at < 0 ? "" : requestUrl.substring(0, at + marker.length());
    }

    private ProducerTemplate template(CamelContext context) {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }

    /** The {@code stow-parts} profile's pool (Camel's default profile when it is not configured), made once. */
    private ExecutorService pool(CamelContext context) {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    ExecutorServiceManager manager = context.getExecutorServiceManager();
                    pool = manager.getThreadPoolProfile(POOL) != null
                            ? manager.newThreadPool(this, POOL, POOL)
                            : manager.newDefaultThreadPool(this, POOL);
                }
                p = pool;
            }
        }
        return p;
    }

    private static String reason(Exception e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Reading the request body failed: the body is cut short or is not MIME. */
    private static final class PartReadException extends Exception {
        PartReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Writing the spooled part failed: disk full or not writable. */
    private static final class SpoolWriteException extends IOException {
        SpoolWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
