package io.dicombq.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a Vert.x request as a blocking {@link InputStream}, read straight off the socket.
 *
 * <p>platform-http with {@code useBodyHandler=false} hands the route the paused request instead of a
 * body. Camel's own {@code useStreaming} mode would first copy the whole body into a stream cache; this
 * class holds at most {@value #WINDOW} network chunks: it asks Vert.x for that many ({@code fetch}),
 * and for more once the reader has taken half of them, so a slow reader slows the sender (TCP back
 * pressure) while a fast one rarely waits. Asking chunk by chunk cost two thread wake-ups per chunk
 * (the event loop's and the reader's). A reader that has caught up is woken once every chunk it asked
 * for is in (or the body has ended), not chunk by chunk: a body of a few chunks costs it one wake-up,
 * where a wake-up per chunk was ~5 % of the bundle's CPU with one instance per STOW-RS request. Must
 * be read from a worker thread, never the event loop (platform-http runs routes on Vert.x's worker pool).
 */
public final class RequestBodyStream extends InputStream {
    private static final Object END = new Object();
    /** Chunks asked for ahead of the reader; each is at most the server's maximum chunk size. */
    static final int WINDOW = 8;
    /** How long a reader that has caught up sleeps at most before taking the part of its window that is in. */
    private static final long PARTIAL_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HttpServerRequest request;
    private final long idleTimeoutMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Chunks received and not yet taken, then END or the failure; guarded by {@link #lock}. */
    private final ArrayDeque<Object> chunks = new ArrayDeque<>();
    /** Chunks asked for and not yet taken by the reader (received or still to come); guarded by {@link #lock}. */
    private int credit;
    /** The reader is waiting for chunks; guarded by {@link #lock}. */
    private boolean waiting;
    private Buffer current;
    private int pos;
    private boolean ended;

    public RequestBodyStream(HttpServerRequest request, long idleTimeoutMillis) {
        this.request = request;
        this.idleTimeoutMillis = idleTimeoutMillis;
        request.pause();
        request.handler(this::arrive);
        request.endHandler(v -> arrive(END));
        request.exceptionHandler(this::arrive);
        // curl and others wait for "100 Continue" before a large body; Vert.x leaves that to us
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect")) && !request.response().headWritten()) {
            request.response().writeContinue();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos >= current.length()) {
            if (ended) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, current.length() - pos);
        current.getBytes(pos, pos + n, b, off);
        pos += n;
        return n;
    }

    /** On the event loop: a chunk, END or a failure is in; wakes a waiting reader once its window is complete. */
    private void arrive(Object item) {
        lock.lock();
        try {
            chunks.add(item);
            if (waiting && (!(item instanceof Buffer) || chunks.size() >= credit)) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void nextChunk() throws IOException {
        int ask = 0;
        Object next;
        lock.lock();
        try {
            if (credit <= WINDOW / 2) {
                ask = WINDOW - credit;
                credit = WINDOW;
            }
        } finally {
            lock.unlock();
        }
        if (ask > 0) {
            request.fetch(ask); // outside the lock: Vert.x may deliver chunks on this very call
        }
        lock.lock();
        try {
            long idleEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
            // caught up with the sender: woken when the window is complete, or after a slice of a slow sender
            while (chunks.isEmpty()) {
                long left = idleEnd - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("request body stalled: nothing received for " + idleTimeoutMillis + " ms");
                }
                waiting = true;
                try {
                    arrived.awaitNanos(Math.min(left, PARTIAL_WINDOW_NANOS));
                } finally {
                    waiting = false;
                }
            }
            next = chunks.poll();
            if (next instanceof Buffer) {
                credit--;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the request body");
        } finally {
            lock.unlock();
        }
        if (next == END) {
            ended = true;
            current = null;
        } else if (next instanceof Throwable t) {
            ended = true;
            throw new IOException("request body could not be read: " + t.getMessage(), t);
        } else {
            current = (Buffer) next;
            pos = 0;
        }
    }

    /** Whether the whole body has been read. */
    public boolean ended() {
        return ended;
    }

    /**
     * For a streamed request answered without reading its body (refused, or a DELETE): let Vert.x
     * drop the unread rest, or the connection would wait for it forever.
     */
    public static void discard(Object body) {
        if (body instanceof HttpServerRequest request && !request.isEnded()) {
            request.handler(null);
            request.resume();
        }
    }

    /** Drops whatever of the body is left unread, so the connection can answer and carry on. */
    @Override
    public void close() {
        if (!ended) {
            ended = true;
            request.handler(null);
            request.resume();
        }
    }
}
