package io.dicombq.ingest;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a dropped file that is not a usable DICOM instance in the inbox's failed folder, under its
 * relative path, with {@code NAME.reason.txt} beside it saying why. The file is moved there (a
 * symbolic link: what it points to is copied and the link removed), so it is never polled again.
 */
public final class FailedFolder {
    private static final Logger LOG = LoggerFactory.getLogger(FailedFolder.class);

    private static final long REPORT_EVERY_MS = 60_000;

    private final Path failedDir;
    private final Map<String, Long> lastReported = new ConcurrentHashMap<>();

    public FailedFolder(String failedDir) {
        this.failedDir = Path.of(failedDir).toAbsolutePath().normalize();
    }

    /**
     * A file that could not be streamed for a reason that is not its own: says so at ERROR (once a
     * minute per file, as it is tried again on every poll) and fails the exchange again; the route
     * has put the file back in the inbox (see {@link InboxClaims#putBack}).
     */
    public void retryLater(Exchange exchange) throws Exception {
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        long now = System.currentTimeMillis();
        Long last = lastReported.get(relative);
        if (last == null || now - last >= REPORT_EVERY_MS) {
            if (lastReported.size() > 10_000) {
                lastReported.clear();
            }
            lastReported.put(relative, now);
            LOG.error("Could not stream {}: {}; it stays in the inbox and is tried again on the next poll",
                    relative, cause == null ? "unknown reason" : cause.toString());
        }
        throw cause != null ? cause : new IllegalStateException("could not stream " + relative);
    }

    public void keep(Exchange exchange) throws IOException {
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        Path source = exchange.getMessage().getBody(java.io.File.class).toPath();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = cause == null ? "unknown reason" : cause.getMessage();

        Path target = failedDir.resolve(relative).normalize();
        if (!target.startsWith(failedDir)) {
            target = failedDir.resolve(source.getFileName().toString());
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        if (!Files.isSymbolicLink(source)) {
            Files.move(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } else if (Files.exists(source)) {
            // a link to a file: a copy of that file is kept, the file itself stays where it is
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } else {
            // a link to nothing: the link itself is kept, so it still says where it pointed
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason.txt"),
                "file: " + relative + "\nrejected: " + Instant.now() + "\nreason: " + reason + "\n",
                StandardCharsets.UTF_8);
        Files.deleteIfExists(source);
        LOG.warn("Rejected {}: {} (kept in {})", relative, reason, target);
    }
}
