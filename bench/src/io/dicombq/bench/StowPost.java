package io.dicombq.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One STOW-RS request (a {@code multipart/related} body, a part per file) sent by the client's
 * own thread over the JDK's blocking {@link HttpURLConnection}, with kept-alive connections. The
 * bench's clients share the bundle's two cores, so their CPU is taken from what (c) measures; a
 * client on another machine would take none. {@code java.net.http}'s asynchronous client, which
 * the bench used before, spent a median 0.60 ms of CPU per one-instance request here, this one
 * 0.29 ms (9 runs each; BENCHMARKS.md, "Eleventh round").
 */
final class StowPost {
    static final String BOUNDARY = "bench-boundary-7d2f";
    static final String CONTENT_TYPE = "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;
    static final byte[] HEAD = ("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] BETWEEN = ("\r\n--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    static final byte[] TAIL = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);

    static {
        // idle connections kept per host (JDK default 5): one for each of the 8 clients, and spare
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "16");
        }
    }

    // a file goes to the socket in writes this large (a typical instance in one): with 8 KB
    // writes (Files.copy's) the bundle spent more CPU per instance (median 1.94 against 1.55 ms)
    private static final int COPY_BUFFER = 256 * 1024;

    private StowPost() {
    }

    private static void copy(Path file, OutputStream out, byte[] buffer) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                out.write(buffer, 0, n);
            }
        }
    }

    /** Bytes of the multipart body for these files. */
    static long length(List<Path> files) throws IOException {
        long length = HEAD.length + (long) BETWEEN.length * (files.size() - 1) + TAIL.length;
        for (Path f : files) {
            length += Files.size(f);
        }
        return length;
    }

    /**
     * Sends the files, each passed through {@code rewrite} (same length) when it is not null;
     * returns the HTTP status once the whole answer has been read.
     */
    static int post(URI uri, List<Path> files, UnaryOperator<byte[]> rewrite) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) uri.toURL().openConnection();
        conn.setDoOutput(true);
        conn.setRequestMethod("POST");
        conn.setRequestProperty("Content-Type", CONTENT_TYPE);
        conn.setRequestProperty("Accept", "application/dicom+json");
        conn.setFixedLengthStreamingMode(length(files));
        conn.setConnectTimeout(10_000);
        conn.setReadTimeout(120_000);
        byte[] buffer = new byte[COPY_BUFFER];
        try (OutputStream out = conn.getOutputStream()) {
            for (int i = 0; i < files.size(); i++) {
                out.write(i == 0 ? HEAD : BETWEEN);
                if (rewrite == null) {
                    copy(files.get(i), out, buffer);
                } else {
                    out.write(rewrite.apply(Files.readAllBytes(files.get(i))));
                }
            }
            out.write(TAIL);
        }
        int status = conn.getResponseCode();
        // read the answer to its end, so the connection goes back to the keep-alive cache
        try (InputStream in = status < 400 ? conn.getInputStream() : conn.getErrorStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return status;
    }
}
