package io.dicombq.ingest;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The drop folder's "is this file finished?" test: a file is taken once nothing has written to it
 * for {@code minAgeMillis} (its modification time is that old); a younger one is left for a later
 * poll. Camel's {@code readLock=changed} answers the same question by sleeping on the polling
 * thread until the file is old enough, which holds back every file listed after it: with files
 * arriving steadily, that wait was most of the drop-folder latency.
 *
 * <p>A file listed by one poll can be gone by the time it is looked at: the exchange a previous
 * poll started has just claimed it (renamed it, see {@link InboxClaims}). Camel's listing then reports
 * it with no attributes (modification time 0); taking it would start a second exchange for a
 * file that no longer exists, so a file without a time is first checked for.
 *
 * <p>A file whose modification time is in the future (a writer with a clock ahead of ours) has no
 * usable age: it is taken once its size and time have stayed the same for {@code minAgeMillis}.
 */
public final class SettledFiles<T> implements GenericFileFilter<T> {
    private record Seen(long length, long modified, long at) {
    }

    private final long minAgeMillis;
    private final LongSupplier clock;
    private final Map<String, Seen> futureDated = new ConcurrentHashMap<>();

    public SettledFiles(long minAgeMillis) {
        this(minAgeMillis, System::currentTimeMillis);
    }

    SettledFiles(long minAgeMillis, LongSupplier clock) {
        this.minAgeMillis = minAgeMillis;
        this.clock = clock;
    }

    @Override
    public boolean accept(GenericFile<T> file) {
        if (file.isDirectory()) {
            return true;
        }
        long now = clock.getAsLong();
        long modified = file.getLastModified();
        if (modified == 0 && file.getFile() instanceof File f && Files.notExists(f.toPath(), LinkOption.NOFOLLOW_LINKS)) {
            return false; // already taken and removed (see above); a file really dated 1970 is still taken
        }
        if (modified <= now) {
            futureDated.remove(file.getAbsoluteFilePath());
            return now - modified >= minAgeMillis;
        }
        Seen before = futureDated.get(file.getAbsoluteFilePath());
        if (before != null && before.length() == file.getFileLength() && before.modified() == modified) {
            if (now - before.at() >= minAgeMillis) {
                futureDated.remove(file.getAbsoluteFilePath());
                return true;
            }
            return false;
        }
        futureDated.put(file.getAbsoluteFilePath(), new Seen(file.getFileLength(), modified, now));
        return false;
    }
}
