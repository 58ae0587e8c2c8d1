package io.dicombq.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The parts of one STOW-RS request on their way through the ingest route. Each part waits for its
 * row to be committed in every destination; delivering them concurrently lets the rows of one
 * request share the destinations' group-commit batches instead of paying one commit each.
 * At most {@code limit} parts are in flight: at the limit the request's reader waits (the body is
 * a stream, and each part in flight holds a spooled file and a thread). Outcomes are written into
 * the {@link StoreResponse} in body order, whatever order the parts finish in.
 * Used by the request's own thread only; not thread-safe.
 */
final class PartsInFlight implements AutoCloseable {
    /** What a part adds to the store response. */
    interface Outcome extends Consumer<StoreResponse> {
    }

    private final ExecutorService executor;
    private final Semaphore slots;
    private final List<Future<Outcome>> outcomes = new ArrayList<>();
    private int applied;

    PartsInFlight(ExecutorService executor, int limit) {
        this.executor = executor;
        this.slots = new Semaphore(Math.max(1, limit));
    }

    /** A part whose outcome is known without delivering it (not DICOM, could not be spooled). */
    void done(Outcome outcome) {
        outcomes.add(CompletableFuture.completedFuture(outcome));
    }

    /** Starts delivering a part; waits first while {@code limit} parts are in flight. */
    void submit(Callable<Outcome> delivery) throws InterruptedException {
        slots.acquire();
        Future<Outcome> future;
        try {
            future = executor.submit(() -> {
                try {
                    return delivery.call();
                } finally {
                    slots.release();
                }
            });
        } catch (RuntimeException rejected) {
            slots.release();
            throw rejected;
        }
        outcomes.add(future);
    }

    /** Waits for the parts so far and adds their outcomes to the response, in body order (each once). */
    void applyTo(StoreResponse response) throws Exception {
        for (; applied < outcomes.size(); applied++) {
            try {
                outcomes.get(applied).get().accept(response);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Waits for every part still in flight, so that none outlives the request (and its spooled file). */
    @Override
    public void close() {
        for (Future<Outcome> f : outcomes) {
            try {
                f.get();
            } catch (ExecutionException ignored) {
                // already reported by applyTo, or the request failed for another reason
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
