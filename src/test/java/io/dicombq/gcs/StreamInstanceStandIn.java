package io.dicombq.gcs;

import io.dicombq.InvalidDicomException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Test-only stand-in for the lead's {@code direct:stream-instance} (same contract): body is the temp
 * file, headers DicomSource/DicomStorageClass/DicomBlobSize; a file without the DICM preamble fails
 * with InvalidDicomException, otherwise it is moved into the store folder and recorded.
 */
final class StreamInstanceStandIn extends RouteBuilder {
    record Received(String source, String storageClass, Long blobSize, byte[] content) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    /** The next N calls fail with an internal error (not bad input). */
    final AtomicInteger internalFailures = new AtomicInteger();
    /** When set, each call waits here (to look at an operation while it runs). */
    volatile CountDownLatch gate;
    final CountDownLatch reached = new CountDownLatch(1);
    private final Path storeDir;

    StreamInstanceStandIn(Path storeDir) {
        this.storeDir = storeDir;
    }

    @Override
    public void configure() {
        from("direct:stream-instance").routeId("stream-instance-standin").process(this::store);
    }

    private void store(Exchange exchange) throws Exception {
        calls.incrementAndGet();
        reached.countDown();
        CountDownLatch g = gate;
        if (g != null && !g.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("test gate never opened");
        }
        if (internalFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("simulated warehouse outage");
        }
        Path file = exchange.getMessage().getMandatoryBody(Path.class);
        byte[] content = Files.readAllBytes(file);
        if (content.length < 132 || !"DICM".equals(new String(content, 128, 4, StandardCharsets.US_ASCII))) {
            throw new InvalidDicomException("not a DICOM file: no DICM prefix at offset 128");
        }
        Files.createDirectories(storeDir);
        Files.move(file, storeDir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> h = exchange.getMessage().getHeaders();
        received.add(new Received((String) h.get("DicomSource"), (String) h.get("DicomStorageClass"),
                (Long) h.get("DicomBlobSize"), content));
    }

    static byte[] resource(String name) throws Exception {
        try (InputStream in = StreamInstanceStandIn.class.getResourceAsStream("/gcs/" + name)) {
            return in.readAllBytes();
        }
    }
}
