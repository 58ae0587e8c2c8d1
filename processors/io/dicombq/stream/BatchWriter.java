package io.dicombq.stream;

import io.dicombq.row.MetadataRow;
import io.dicombq.warehouse.PartialInsertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for one destination: route threads hand in single rows and wait; a flusher
 * thread inserts whatever has queued up (up to {@code maxRows}) in one call, then tells every
 * waiting thread how its row fared. With several flushers, several batches are in flight at
 * once (BigQuery: one insertAll each, while the next batch fills); each row belongs to exactly
 * one batch and is answered by that batch's outcome alone. The caller is answered only once its row is in the
 * warehouse, so a source is never acknowledged early, while the warehouse still sees batches.
 * When a batch fails as a whole, its rows are tried one by one so that one bad row fails
 * alone.
 */
final class BatchWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    /** Inserts a batch: all rows, or throws (a {@link PartialInsertException} names the rejected ones). */
    @FunctionalInterface
    interface Sink {
        void insert(List<MetadataRow> rows) throws Exception;
    }

    private record Pending(MetadataRow row, CompletableFuture<Void> done) {
    }

    private final String name;
    private final Sink sink;
    private final int maxRows;
    private final long lingerNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> flushers = new ArrayList<>();
    private volatile boolean closed;

    BatchWriter(String name, Sink sink, int maxRows, long lingerMillis) {
        this(name, sink, maxRows, lingerMillis, 1);
    }

    /** @param flushers batches in flight at once; 1 for a sink that commits one batch at a time */
    BatchWriter(String name, Sink sink, int maxRows, long lingerMillis, int flushers) {
        this.name = name;
        this.sink = sink;
        this.maxRows = Math.max(1, maxRows);
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, lingerMillis));
        int n = Math.max(1, flushers);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::run, "batch-writer-" + name + (n > 1 ? "-" + (i + 1) : ""));
            t.setDaemon(true);
            this.flushers.add(t);
        }
        this.flushers.forEach(Thread::start);
    }

    /** Blocks until the row is written; throws what the destination said when it was not. */
    void write(MetadataRow row) throws Exception {
        if (closed) {
            throw new IllegalStateException("destination " + name + " is no longer configured");
        }
        Pending p = new Pending(row, new CompletableFuture<>());
        queue.add(p);
        try {
            p.done().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxRows);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + lingerNanos;
                while (batch.size() < maxRows) {
                    Pending next = lingerNanos == 0 ? queue.poll()
                            : queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failAll(batch, e);
                return;
            } catch (RuntimeException | Error e) {
                // never let the flusher die: whatever was in hand fails and is retried by its route
                failAll(batch, e);
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Pending> batch) {
        List<MetadataRow> rows = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            rows.add(p.row());
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("Writing a batch of {} rows to {}", rows.size(), name);
        }
        try {
            sink.insert(rows);
            batch.forEach(p -> p.done().complete(null));
        } catch (PartialInsertException partial) {
            for (int i = 0; i < batch.size(); i++) {
                String reason = partial.rowErrors().get(i);
                if (reason == null) {
                    batch.get(i).done().complete(null);
                } else {
                    batch.get(i).done().completeExceptionally(new RowRejectedException(name, reason));
                }
            }
        } catch (Exception whole) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(whole);
                return;
            }
            LOG.debug("Batch of {} rows to {} failed ({}); trying them one by one", batch.size(), name,
                    whole.getMessage());
            for (Pending p : batch) {
                try {
                    sink.insert(List.of(p.row()));
                    p.done().complete(null);
                } catch (Exception single) {
                    p.done().completeExceptionally(single);
                }
            }
        }
    }

    private static void failAll(List<Pending> batch, Throwable e) {
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : flushers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }
}
