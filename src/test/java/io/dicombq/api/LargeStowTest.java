package io.dicombq.api;

import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A 300 MB STOW-RS upload to a server whose JVM has a 64 MB heap: passes only if the body is streamed
 * from the socket through mime4j to disk, never held in memory.
 */
class LargeStowTest {
    static final long PIXEL_BYTES = 300L * 1024 * 1024;
    static final String STUDY = "1.2.826.0.1.3680043.8.498.77";

    @TempDir
    Path tmp;

    @Test
    void aHugeInstanceStreamsThroughASmallHeap() throws Exception {
        assumeTrue(TestDicom.available(), "dcmtk's dump2dcm is needed (scripts/setup.sh installs it)");
        Path header = TestDicom.withoutPixelData(tmp.resolve("files"), STUDY, STUDY + ".1", STUDY + ".1.1");
        int port = ApiTestServer.freePort();
        Path bundle = tmp.resolve("bundle");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process server = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ApiTestServer.class.getName(), bundle.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile()).start();
        try (Http http = new Http()) {
            waitUntilReady(server, tmp.resolve("server.log"));
            HttpEntity body = Http.stowBody()
                    .addBinaryBody("file", hugeInstance(header), Http.DICOM, null) // unknown length: chunked
                    .build();
            String url = "http://localhost:" + port + "/v1/" + ApiTestServer.STORE + "/dicomWeb/studies";
            Http.Response r = http.send("POST", url, body);
            assertEquals(200, r.status(), r.body() + "\n" + Files.readString(tmp.resolve("server.log")));
            Path stored = bundle.resolve("store/studies").resolve(STUDY).resolve("series").resolve(STUDY + ".1")
                    .resolve("instances").resolve(STUDY + ".1.1.dcm");
            assertEquals(Files.size(header) + 12 + PIXEL_BYTES, Files.size(stored));

            // Java's HttpClient asks for an HTTP/2 cleartext upgrade (h2c) on its first request; Vert.x
            // would buffer the whole body of such a request, so the server turns h2c off (NoH2cVertx)
            Files.delete(stored);
            String boundary = "h2cBoundary";
            InputStream multipart = new SequenceInputStream(Collections.enumeration(List.of(
                    new ByteArrayInputStream(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII)),
                    hugeInstance(header),
                    new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)))));
            HttpResponse<String> h2c = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2).build()
                    .send(HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofMinutes(2)) // a buffering server fails, not hangs
                                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> multipart)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h2c.statusCode(), h2c.body() + "\n" + Files.readString(tmp.resolve("server.log")));
            assertEquals(Files.size(header) + 12 + PIXEL_BYTES, Files.size(stored));
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The small file plus a Pixel Data element (OB, explicit VR little endian) of PIXEL_BYTES zeros, made on the fly. */
    private static InputStream hugeInstance(Path header) throws Exception {
        long n = PIXEL_BYTES;
        byte[] element = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0,
                (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)};
        InputStream zeros = new InputStream() {
            long left = PIXEL_BYTES;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int k = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + k, (byte) 0);
                left -= k;
                return k;
            }
        };
        List<InputStream> parts = List.of(Files.newInputStream(header), new ByteArrayInputStream(element), zeros);
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    private static void waitUntilReady(Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("server died:\n" + Files.readString(log));
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8))) {
                if (r.lines().anyMatch(l -> l.startsWith("READY "))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not start:\n" + Files.readString(log));
    }

}
