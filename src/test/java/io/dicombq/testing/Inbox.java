package io.dicombq.testing;

import io.dicombq.ingest.InboxClaims;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a test sees of a drop folder. */
public final class Inbox {
    private Inbox() {
    }

    /**
     * The files not acknowledged yet: the ones waiting and the ones being streamed (renamed to
     * their claim); hidden folders (the failed folder) and other hidden files do not count.
     */
    public static List<Path> pending(Path inbox) {
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(inbox)) {
            return walk.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p))
                    .filter(p -> !hiddenFolder(inbox, p))
                    .filter(p -> !p.getFileName().toString().startsWith(".")
                            || p.getFileName().toString().startsWith(InboxClaims.PREFIX))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hiddenFolder(Path inbox, Path file) {
        for (Path part : inbox.relativize(file.getParent() == null ? file : file.getParent())) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
