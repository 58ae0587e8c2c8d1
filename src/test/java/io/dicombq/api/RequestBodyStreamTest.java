package io.dicombq.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The body stream asks for a bounded window of chunks ahead of its reader, never more. */
class RequestBodyStreamTest {

    /** A paused request whose chunks arrive (on the calling thread) only as they are fetched. */
    static final class FakeRequest {
        final Deque<Buffer> toSend = new ArrayDeque<>();
        Handler<Buffer> handler;
        Handler<Void> end;
        Handler<Throwable> failure;
        long demand;
        long delivered;
        int fetches;
        Throwable failWith;

        HttpServerRequest proxy() {
            return (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServerRequest.class}, (p, m, args) -> {
                        switch (m.getName()) {
                            case "handler" -> handler = cast(args[0]);
                            case "endHandler" -> end = cast(args[0]);
                            case "exceptionHandler" -> failure = cast(args[0]);
                            case "fetch" -> {
                                fetches++;
                                demand += (Long) args[0];
                                pump();
                            }
                            case "getHeader" -> {
                                return null;
                            }
                            default -> {
                                // pause, resume: nothing to do for this fake
                            }
                        }
                        return m.getReturnType().isInstance(p) ? p : null;
                    });
        }

        @SuppressWarnings("unchecked")
        static <T> T cast(Object o) {
            return (T) o;
        }

        private void pump() {
            while (demand > 0 && !toSend.isEmpty()) {
                demand--;
                delivered++;
                handler.handle(toSend.poll());
            }
            if (toSend.isEmpty()) {
                if (failWith != null) {
                    failure.handle(failWith);
                } else {
                    end.handle(null);
                }
                end = v -> { };
                failure = t -> { };
            }
        }
    }

    @Test
    void readsEveryByteAndAsksForABoundedWindowAtATime() throws IOException {
        FakeRequest req = new FakeRequest();
        byte[] all = new byte[100 * 1000];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (i * 31);
        }
        for (int off = 0; off < all.length; off += 1000) {
            req.toSend.add(Buffer.buffer().appendBytes(all, off, 1000));
        }
        RequestBodyStream body = new RequestBodyStream(req.proxy(), 1000);
        byte[] got = new byte[all.length];
        int n = 0;
        int maxAhead = 0;
        for (int r; (r = body.read(got, n, Math.min(700, got.length - n))) > 0; ) {
            n += r;
            // chunks received but not yet read, plus those asked for and not yet received
            long chunksRead = (n + 999) / 1000;
            maxAhead = (int) Math.max(maxAhead, req.delivered + req.demand - chunksRead);
            if (n == got.length) {
                break;
            }
        }
        assertEquals(all.length, n);
        assertArrayEquals(all, got);
        assertEquals(-1, body.read(new byte[1], 0, 1));
        assertTrue(body.ended());
        assertTrue(maxAhead <= RequestBodyStream.WINDOW, "ahead of the reader: " + maxAhead + " chunks");
        // a fetch per half window, not one per chunk
        assertTrue(req.fetches <= 100 / (RequestBodyStream.WINDOW / 2) + 2, "fetch calls: " + req.fetches);
    }

    /** Chunks are handed in by the test from another thread, as the event loop would; fetch only counts. */
    static final class ThreadedRequest {
        volatile Handler<Buffer> handler;
        volatile Handler<Void> end;

        HttpServerRequest proxy() {
            return (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServerRequest.class}, (p, m, args) -> {
                        switch (m.getName()) {
                            case "handler" -> handler = FakeRequest.cast(args[0]);
                            case "endHandler" -> end = FakeRequest.cast(args[0]);
                            default -> {
                                // fetch, pause, resume, exceptionHandler, getHeader: nothing to do here
                            }
                        }
                        return m.getReturnType().isInstance(p) ? p : null;
                    });
        }
    }

    @Test
    void aSlowSendersFirstChunkIsReadWithoutWaitingForTheRestOfTheWindow() throws Exception {
        ThreadedRequest req = new ThreadedRequest();
        RequestBodyStream body = new RequestBodyStream(req.proxy(), 30_000);
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(50);
                req.handler.handle(Buffer.buffer("first"));
                Thread.sleep(3_000); // the rest of the window comes much later
                req.handler.handle(Buffer.buffer("second"));
                req.end.handle(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        byte[] buf = new byte[100];
        long t = System.nanoTime();
        int n = body.read(buf, 0, buf.length);
        long waitedMs = (System.nanoTime() - t) / 1_000_000;
        assertEquals("first", new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(waitedMs < 2_000, "the first chunk was read after " + waitedMs + " ms");
        n = body.read(buf, 0, buf.length);
        assertEquals("second", new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(-1, body.read(buf, 0, buf.length));
        sender.join();
    }

    @Test
    void aBodyThatStopsArrivingIsAnIoErrorAfterTheIdleTimeout() {
        ThreadedRequest req = new ThreadedRequest();
        RequestBodyStream body = new RequestBodyStream(req.proxy(), 300);
        IOException e = assertThrows(IOException.class, () -> body.read(new byte[10], 0, 10));
        assertTrue(e.getMessage().contains("stalled"), e.getMessage());
    }

    @Test
    void aFailedConnectionIsAnIoErrorForTheReader() {
        FakeRequest req = new FakeRequest();
        req.toSend.add(Buffer.buffer("partial"));
        req.failWith = new IllegalStateException("connection reset");
        RequestBodyStream body = new RequestBodyStream(req.proxy(), 1000);
        byte[] buf = new byte[100];
        IOException e = assertThrows(IOException.class, () -> {
            while (body.read(buf, 0, buf.length) >= 0) {
                // reads "partial", then the failure
            }
        });
        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    }
}
