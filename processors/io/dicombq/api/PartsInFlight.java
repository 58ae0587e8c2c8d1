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
 *
 * <p>A part is handed to the pool only once another part follows it; the last one (the only one, with
 * one instance per request) runs on the request's own thread, which would otherwise just wait for
 * it: on a virtual machine's cores, the hand-off (a wake-up and a park each way) is not cheap.
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
    /** The latest part, not started yet: it goes to the pool if another part follows, else runs here. */
    private Callable<Outcome> pending;

    PartsInFlight(ExecutorService executor, int limit) {
        this.executor = executor;
        this.slots = new Semaphore(Math.max(1, limit));
    }

    /** A part whose outcome is known without delivering it (not DICOM, could not be spooled). */
    void done(Outcome outcome) throws InterruptedException {
        another();
        outcomes.add(CompletableFuture.completedFuture(outcome));
    }

    /** A part to deliver: it starts once the request shows whether another part follows it. */
    void submit(Callable<Outcome> delivery) throws InterruptedException {
        another();
        pending = delivery;
    }

    /**
     * Another part follows: the one waiting starts on the pool, after waiting while {@code limit}
     * parts are in flight.
     */
    void another() throws InterruptedException {
        if (pending == null) {
            return;
        }
        Callable<Outcome> delivery = pending;
        pending = null;
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

    /** No part follows: the one waiting runs on this thread, within the same limit. */
    private void last() throws InterruptedException {
        if (pending == null) {
            return;
        }
        Callable<Outcome> delivery = pending;
        pending = null;
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        outcomes.add(outcome);
        slots.acquire();
        try {
            outcome.complete(delivery.call());
        } catch (Exception e) {
            outcome.completeExceptionally(e);
        } finally {
            slots.release();
        }
    }

    /** Waits for the parts so far and adds their outcomes to the response, in body order (each once). */
    void applyTo(StoreResponse response) throws Exception {
        last();
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
        try {
            // a part read whole is delivered even when the request fails after it, as the others are
            last();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
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
