package io.dicombq.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The body of a Vert.x request as a blocking {@link InputStream}, read straight off the socket.
 *
 * <p>platform-http with {@code useBodyHandler=false} hands the route the paused request instead of a
 * body. Camel's own {@code useStreaming} mode would first copy the whole body into a stream cache; this
 * class holds at most {@value #WINDOW} network chunks: it asks Vert.x for that many ({@code fetch}),
 * and for more once the reader has taken half of them, so a slow reader slows the sender (TCP back
 * pressure) while a fast one rarely waits. Asking chunk by chunk cost two thread wake-ups per chunk
 * (the event loop's and the reader's). Must be read from a worker thread, never the event loop
 * (platform-http runs routes on Vert.x's worker pool).
 */
public final class RequestBodyStream extends InputStream {
    private static final Object END = new Object();
    /** Chunks asked for ahead of the reader; each is at most the server's maximum chunk size. */
    static final int WINDOW = 8;

    private final HttpServerRequest request;
    private final long idleTimeoutMillis;
    private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private Buffer current;
    private int pos;
    private boolean ended;
    /** Chunks asked for and not yet taken by the reader (received or still to come). */
    private int credit;

    public RequestBodyStream(HttpServerRequest request, long idleTimeoutMillis) {
        this.request = request;
        this.idleTimeoutMillis = idleTimeoutMillis;
        request.pause();
        request.handler(chunks::add);
        request.endHandler(v -> chunks.add(END));
        request.exceptionHandler(chunks::add);
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

    private void nextChunk() throws IOException {
        if (credit <= WINDOW / 2) {
            request.fetch(WINDOW - credit);
            credit = WINDOW;
        }
        Object next;
        try {
            next = chunks.poll(idleTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the request body");
        }
        if (next == null) {
            throw new IOException("request body stalled: nothing received for " + idleTimeoutMillis + " ms");
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
            credit--;
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
