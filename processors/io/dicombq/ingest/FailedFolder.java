package io.dicombq.ingest;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Keeps a dropped file that is not a usable DICOM instance: a copy goes to the inbox's failed
 * folder, keeping its relative path, with {@code NAME.reason.txt} beside it saying why. The
 * route then lets the file consumer remove the original, so a bad file is never polled again.
 */
public final class FailedFolder {
    private static final Logger LOG = LoggerFactory.getLogger(FailedFolder.class);

    private final Path failedDir;

    public FailedFolder(String failedDir) {
        this.failedDir = Path.of(failedDir).toAbsolutePath().normalize();
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
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(target.resolveSibling(target.getFileName() + ".reason.txt"),
                "file: " + relative + "\nrejected: " + Instant.now() + "\nreason: " + reason + "\n",
                StandardCharsets.UTF_8);
        LOG.warn("Rejected {}: {} (kept in {})", relative, reason, target);
    }
}
