package io.dicombq.warehouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The embedded warehouse's streaming buffer, as BigQuery has one: a batch (in the bundle, every
 * batch: see {@code dicom.duckdb.buffer-below-rows}) is appended to its table's journal ({@code DATA/.buffer/PROJECT/DATASET/TABLE.ndjson}, newline-delimited JSON as
 * {@code read_json} loads it) and forced to disk, and that is all its writer waits for. A merger
 * thread loads each journal into its table in one transaction {@code mergeMillis} after the first
 * row waiting for it, or as soon as a journal holds {@code mergeBytes}; every read of the warehouse
 * merges first, so no query misses a row whose insert returned. While a merge runs, the next one's
 * rows gather, so under a heavy load merges grow by themselves (a drop of thousands of files is
 * loaded in commits larger than its batches); a journal that reaches {@link #backlogBytes()} holds its
 * writers back until the merger has taken it.
 *
 * <p>Why: a DuckDB commit into a wide table costs milliseconds of CPU however few rows it carries
 * (it sets up and logs storage for every nested column), so a commit per small batch spent most
 * of the bundle's CPU when few rows were in flight (one instance per STOW-RS request); the journal
 * turns many small commits into few large ones. The larger the merge, the less each row costs
 * (the bench's rows, loaded alone: ~300 us of CPU per row in commits of 300, ~150 us in commits
 * of 3,000), hence merges seconds apart when rows trickle in. Only a read waits for a merge (a
 * read merges at once), and it waits for all the journal holds: {@code mergeBytes} bounds that
 * wait when rows stream in (a 3-second journal of ~3,000 rows kept a read waiting ~0.4 s).
 * For the same reason reads share merges: a read that comes within {@code readWaitMillis} of the
 * last merge a read made waits for the rest of that time and then merges everything since, so a
 * client polling every few milliseconds does not force a commit per poll. This matters beyond the
 * commit's CPU: each DuckDB commit logs the list columns of every row since the start of the
 * table's current 2,048-row vector, not only its own (measured: up to ~1 MB for a merge of tens of the
 * bench's rows), so commits many times a second bring its checkpoints, which every read and
 * write waits for, tens of seconds apart instead of minutes.
 * A merge the merger made does not count: a read after a burst merges at once.
 *
 * <p>A merge first renames the journal to {@code TABLE.ndjson.merging} (new rows start a new
 * journal meanwhile), loads it and deletes it. After a crash both files are still there and are
 * loaded when their catalog is next attached; a line cut short by the crash was never
 * acknowledged and is dropped. A crash between a merge's commit and the delete loads its rows a
 * second time, which the view absorbs as it absorbs any re-sent row.
 */
final class StreamingBuffer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingBuffer.class);
    static final String SUFFIX = ".ndjson";
    static final String MERGING = ".ndjson.merging";

    /** The warehouse side: its write lock of a table, and a load of a journal file in one transaction. */
    interface Loader {
        /** The lock every write to the table's catalog holds; a merge holds it too. */
        Lock lockFor(TableRef table);

        void load(TableRef table, Path journal) throws Exception;
    }

    private final Path root;
    private final Loader loader;
    private final long mergeNanos;
    private final long readWaitNanos;
    private final long mergeBytes;
    /** How long a writer waits for room in a full journal before its batch fails (and is retried). */
    private final long backlogWaitNanos;
    private final Map<TableRef, Journal> journals = new ConcurrentHashMap<>();
    /** One permit per append since the merger last looked: it wakes the merger. */
    private final Semaphore wake = new Semaphore(0);
    /** A permit when a journal has reached {@code mergeBytes}: the merger goes at once. */
    private final Semaphore full = new Semaphore(0);
    private final Thread merger;
    private volatile boolean closed;

    /**
     * @param dataDir     the warehouse's directory; journals live in its {@code .buffer/}
     * @param mergeMillis how long rows may wait in a journal when nothing reads the table
     * @param mergeBytes  a journal this large is merged without waiting for the rest of {@code mergeMillis}
     *                    (0 or less: every append is merged at once)
     * @param readWaitMillis how soon after the last merge a read made of a table a read may merge it again
     */
    StreamingBuffer(Path dataDir, Loader loader, long mergeMillis, long mergeBytes, long readWaitMillis) {
        this(dataDir, loader, mergeMillis, mergeBytes, readWaitMillis, 30_000);
    }

    /** As above; {@code backlogWaitMillis}: how long a writer waits for room in a full journal before its batch fails. */
    StreamingBuffer(Path dataDir, Loader loader, long mergeMillis, long mergeBytes, long readWaitMillis,
                    long backlogWaitMillis) {
        this.backlogWaitNanos = TimeUnit.MILLISECONDS.toNanos(backlogWaitMillis);
        this.root = dataDir.resolve(".buffer");
        this.loader = loader;
        this.mergeNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, mergeMillis));
        this.mergeBytes = Math.max(1, mergeBytes);
        this.readWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, readWaitMillis));
        this.merger = new Thread(this::run, "streaming-buffer-merger");
        this.merger.setDaemon(true);
        this.merger.start();
    }

    /**
     * Appends whole lines to the table's journal; they are on disk when this returns. A journal
     * that already holds {@link #backlogBytes()} waits for the merger to take it first, so rows
     * arriving faster than merges load them hold their writers back instead of piling up for the
     * next read to wait for.
     */
    void append(TableRef table, byte[] lines) throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("warehouse is closed");
        }
        Journal j = journal(table);
        j.awaitRoomBelow(backlogBytes(), this::mergeNow, backlogWaitNanos);
        if (j.append(lines) >= mergeBytes) {
            full.release();
        }
        wake.release();
    }

    /** Wakes the merger and lets it go without waiting for more rows. */
    private void mergeNow() {
        full.release();
        wake.release();
    }

    /** The most a journal holds before its writers wait for a merge: 16 merges' worth, at least 1 MB. */
    long backlogBytes() {
        return Math.max(16 * mergeBytes, 1024L * 1024L);
    }

    /** Tables of one project that have journals on disk (left by a crash or a stop): to be loaded. */
    List<TableRef> leftOver(String project) throws IOException {
        Path dir = root.resolve(project);
        List<TableRef> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> datasets = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path dataset : datasets) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dataset)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        String table = name.endsWith(MERGING) ? name.substring(0, name.length() - MERGING.length())
                                : name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : null;
                        if (table != null) {
                            TableRef ref = new TableRef(project, dataset.getFileName().toString(), table);
                            if (!out.contains(ref)) {
                                out.add(ref);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Loads whatever the table's journal holds now; returns once it is in the table. */
    void merge(TableRef table) throws Exception {
        Journal j = journal(table);
        // the catalog's lock first, as every writer takes it: one merge of a table at a time
        Lock lock = loader.lockFor(table);
        lock.lock();
        try {
            Path merging = j.mergingFile();
            if (Files.exists(merging)) {
                // an earlier merge failed, or a crash left it: its rows go first
                loader.load(table, merging);
                Files.delete(merging);
            }
            long upTo = j.rotateTo(merging);
            if (Files.exists(merging)) {
                loader.load(table, merging);
                Files.delete(merging);
            }
            j.merged(upTo);
        } finally {
            lock.unlock();
        }
    }

    /** Loads every journal now (the merger, and closing). */
    void mergeAll() throws Exception {
        for (TableRef table : journals.keySet()) {
            if (journals.get(table).pending()) {
                merge(table);
            }
        }
    }

    /**
     * Before a read: loads every journal holding rows, so that the read sees every row whose insert
     * returned; a table a read merged less than {@code readWaitMillis} ago is merged once that time is up.
     */
    void mergeForRead() throws Exception {
        for (TableRef table : journals.keySet()) {
            Journal j = journals.get(table);
            if (j.pending()) {
                long wait = j.lastReadMerge + readWaitNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (j.pending()) {
                    merge(table);
                    j.lastReadMerge = System.nanoTime();
                }
            }
        }
    }

    private Journal journal(TableRef table) {
        return journals.computeIfAbsent(table, t -> {
            try {
                return new Journal(root.resolve(t.project()).resolve(t.dataset()), t.table());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void run() {
        long backoff = mergeNanos;
        while (!closed) {
            try {
                wake.acquire();
                // let the rows of the next mergeMillis join this merge, unless a journal fills first
                full.tryAcquire(mergeNanos, TimeUnit.NANOSECONDS);
                wake.drainPermits();
                full.drainPermits();
                mergeAll();
                backoff = mergeNanos;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the rows stay in their journal: the next merge (or the next read) tries again
                LOG.error("Merging the streaming buffer into its table failed (will retry): {}", e.getMessage());
                backoff = Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(30));
                wake.release();
                try {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Stops the merger and loads what is left; what cannot be loaded stays on disk for the next start. */
    @Override
    public void close() throws Exception {
        closed = true;
        merger.interrupt();
        merger.join(TimeUnit.SECONDS.toMillis(30));
        try {
            mergeAll();
        } finally {
            for (Journal j : journals.values()) {
                j.closeChannel();
            }
        }
    }

    /**
     * One table's journal file; appends and rotations hold its monitor. Appends are counted, and a
     * merge records the count its rotation covered, so a read that starts while a merge is loading
     * still waits for it: the journal is pending until the rows of every append so far are in.
     */
    private static final class Journal {
        private final Path file;
        private FileChannel channel;
        private long appended;
        /** Bytes appended since the journal was last moved aside for a merge. */
        private long bytes;
        private volatile long merged;
        /** {@link System#nanoTime()} when the last merge a read asked for ended. */
        volatile long lastReadMerge = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

        Journal(Path dir, String table) throws IOException {
            this.file = dir.resolve(table + SUFFIX);
            Files.createDirectories(dir);
            appended = Files.exists(file) || Files.exists(mergingFile()) ? 1 : 0; // left by a crash
            dropTornTail(file);
            dropTornTail(mergingFile());
        }

        Path mergingFile() {
            return file.resolveSibling(file.getFileName().toString().replace(SUFFIX, MERGING));
        }

        synchronized boolean pending() {
            return merged != appended;
        }

        /**
         * Waits while the journal holds {@code limit} bytes or more, until a merge moves it aside;
         * gives up after {@code timeoutNanos} (merges failing: the writer's batch fails, to be retried).
         */
        synchronized void awaitRoomBelow(long limit, Runnable mergeNow, long timeoutNanos)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (bytes >= limit) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IOException("the streaming buffer " + file + " holds " + (bytes >> 20)
                            + " MB and no merge has taken it for " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                            + " s (see the ERROR lines of its merges)");
                }
                mergeNow.run();
                wait(100);
            }
        }

        /** Returns the bytes the journal holds now. */
        synchronized long append(byte[] lines) throws IOException {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            }
            ByteBuffer buf = ByteBuffer.wrap(lines);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            appended++;
            bytes += lines.length;
            return bytes;
        }

        /**
         * Moves the journal aside for a merge (when it holds rows) and returns how many appends the
         * moved file holds, counted from the start: once it is loaded, those are merged.
         */
        synchronized long rotateTo(Path merging) throws IOException {
            closeChannel();
            bytes = 0;
            notifyAll(); // writers waiting for room
            if (Files.exists(file)) {
                if (Files.size(file) == 0) {
                    Files.delete(file);
                } else {
                    Files.move(file, merging, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return appended;
        }

        void merged(long upTo) {
            merged = upTo;
        }

        synchronized void closeChannel() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }

        /** A crash may leave a last line half-written: its row was never acknowledged, so it goes. */
        private static void dropTornTail(Path f) throws IOException {
            if (!Files.exists(f)) {
                return;
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long end = ch.size();
                long keep = 0;
                ByteBuffer block = ByteBuffer.allocate(64 * 1024);
                for (long to = end; to > 0 && keep == 0; to -= block.capacity()) {
                    long from = Math.max(0, to - block.capacity());
                    block.clear().limit((int) (to - from));
                    while (block.hasRemaining() && ch.read(block, from + block.position()) >= 0) {
                        // read the whole block
                    }
                    for (int i = (int) (to - from) - 1; i >= 0; i--) {
                        if (block.get(i) == '\n') {
                            keep = from + i + 1;
                            break;
                        }
                    }
                }
                if (keep < end) {
                    LOG.warn("Dropping {} bytes of a line cut short in {} (its row was never acknowledged)",
                            end - keep, f);
                    ch.truncate(keep);
                    ch.force(false);
                }
            }
        }
    }
}
