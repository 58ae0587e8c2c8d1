package io.dicombq.ingest;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes a dropped file before the drop folder reads it: the file is renamed, in its own folder,
 * to {@code .dicom-bq-claimed-RANDOM-NAME} (hidden, so never listed again). From then on the
 * bundle works on bytes no one else can replace: a new file dropped under the same name while the
 * first is streamed is a file of its own, taken on a later poll. Deleting by name once the first
 * was acknowledged, as the file consumer's {@code delete} does, would remove the newcomer
 * unstreamed, and parsing one file but storing the other was possible in between.
 *
 * <p>The claimed file is removed once every destination has its row ({@link #release}), moved to
 * the failed folder by {@link FailedFolder#keep}, or renamed back for the next poll when the failure
 * is not the file's ({@link #putBack}). Claims a stop or a crash left behind are renamed back at
 * start ({@link #recover}).
 */
public final class InboxClaims {
    private static final Logger LOG = LoggerFactory.getLogger(InboxClaims.class);

    /** A claimed file's name starts with this. */
    public static final String PREFIX = ".dicom-bq-claimed-";
    /** Exchange property: the claimed file. */
    public static final String CLAIMED = "dicomInboxClaim";
    private static final String ORIGINAL = "dicomInboxOriginal";
    /** A name longer than this is shortened in its claim (file systems allow 255 bytes). */
    private static final int MAX_NAME_BYTES = 200;

    private final Path inbox;

    public InboxClaims(String inbox) {
        this.inbox = Path.of(inbox).toAbsolutePath().normalize();
    }

    /**
     * Renames the exchange's file to its claim and makes the claim the body. A file that is gone
     * since the folder was listed (its owner took it back) is not an error: the exchange gets no
     * claim and the route stops there.
     */
    public void claim(Exchange exchange) throws IOException {
        Path file = exchange.getMessage().getBody(File.class).toPath();
        Path claim = file.resolveSibling(PREFIX + randomHex() + "-" + shortened(file.getFileName().toString()));
        try {
            Files.move(file, claim, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            LOG.debug("{} was gone before it was taken", file);
            return;
        }
        exchange.setProperty(CLAIMED, claim);
        exchange.setProperty(ORIGINAL, file);
        exchange.getMessage().setBody(claim.toFile());
    }

    /** Every destination has the row (or dead-lettered it): the claimed file goes. */
    public void release(Exchange exchange) throws IOException {
        Path claim = exchange.getProperty(CLAIMED, Path.class);
        if (claim != null) {
            Files.deleteIfExists(claim);
        }
    }

    /**
     * A failure that is not the file's: it goes back under its own name for the next poll, or
     * under {@code NAME (2)} when a newer file took the name meanwhile.
     */
    public void putBack(Exchange exchange) throws IOException {
        Path claim = exchange.getProperty(CLAIMED, Path.class);
        Path original = exchange.getProperty(ORIGINAL, Path.class);
        if (claim != null && original != null && Files.exists(claim, LinkOption.NOFOLLOW_LINKS)) {
            restore(claim, original);
        }
    }

    /** At start, before the drop folder polls: claims a stop or a crash left behind go back. */
    public void recover() throws IOException {
        if (!Files.isDirectory(inbox)) {
            return;
        }
        AtomicInteger restored = new AtomicInteger();
        Files.walkFileTree(inbox, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                // hidden folders (the failed folder among them) are never polled, so never claimed from
                return dir.equals(inbox) || !dir.getFileName().toString().startsWith(".")
                        ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                int dash = name.indexOf('-', PREFIX.length());
                if (name.startsWith(PREFIX) && dash > 0 && dash < name.length() - 1) {
                    try {
                        restore(file, file.resolveSibling(name.substring(dash + 1)));
                        restored.incrementAndGet();
                    } catch (IOException e) {
                        // the bundle still starts; the file stays under its claim, where nothing is lost
                        LOG.error("Could not put {} back into the inbox: {}; rename it yourself to stream it",
                                file, e.toString());
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                LOG.warn("Could not look at {} for unfinished drop-folder files: {}", file, e.toString());
                return FileVisitResult.CONTINUE;
            }
        });
        if (restored.get() > 0) {
            LOG.info("{} file(s) taken from {} before the last stop were put back, to be streamed again",
                    restored.get(), inbox);
        }
    }

    /** Renames a claim back to {@code original}, or to the first free {@code NAME (n)} beside it. */
    static Path restore(Path claim, Path original) throws IOException {
        for (int n = 1; ; n++) {
            Path target = n == 1 ? original : numbered(original, n);
            try {
                // a link never replaces an existing name, unlike a rename
                Files.createLink(target, claim);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (UnsupportedOperationException | IOException e) {
                // no hard links here: a rename, which would replace, so only onto a free name
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Files.move(claim, target, StandardCopyOption.ATOMIC_MOVE);
            }
            // the file now has its name back; the claim's name goes (a no-op after the rename)
            Files.deleteIfExists(claim);
            if (n > 1) {
                LOG.warn("{} was dropped again while the earlier file of that name was being streamed;"
                        + " the earlier one is back as {}", original, target.getFileName());
            }
            return target;
        }
    }

    static Path numbered(Path original, int n) {
        String name = original.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return original.resolveSibling(stem + " (" + n + ")" + ext);
    }

    static String shortened(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return name;
        }
        // keep the end, where the extension is, cut on a character boundary
        int bytes = 0;
        int start = name.length();
        while (start > 0) {
            int cp = name.codePointBefore(start);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > MAX_NAME_BYTES) {
                break;
            }
            bytes += len;
            start -= Character.charCount(cp);
        }
        return name.substring(start);
    }

    private static String randomHex() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
