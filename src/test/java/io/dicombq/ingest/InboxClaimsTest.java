package io.dicombq.ingest;

import io.dicombq.testing.TestDirs;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboxClaimsTest {
    static final Path INBOX = Path.of("target/it/inbox-claims").toAbsolutePath();
    InboxClaims claims;

    @BeforeEach
    void fresh() throws Exception {
        TestDirs.deleteRecursively(INBOX);
        Files.createDirectories(INBOX.resolve("sub"));
        claims = new InboxClaims(INBOX.toString());
    }

    @Test
    void aClaimIsTheSameFileUnderAHiddenNameInItsFolder() throws Exception {
        Path file = Files.writeString(INBOX.resolve("sub/ct.dcm"), "first");
        Exchange exchange = exchangeFor(file);
        claims.claim(exchange);

        Path claim = exchange.getProperty(InboxClaims.CLAIMED, Path.class);
        assertEquals(file.getParent(), claim.getParent());
        assertTrue(claim.getFileName().toString().startsWith(InboxClaims.PREFIX));
        assertTrue(claim.getFileName().toString().endsWith("-ct.dcm"));
        assertEquals(claim.toFile(), exchange.getMessage().getBody(File.class));
        assertFalse(Files.exists(file));
        assertEquals("first", Files.readString(claim));

        // a new file under the old name is left alone by everything done to the claim
        Files.writeString(file, "second");
        claims.release(exchange);
        assertFalse(Files.exists(claim));
        assertEquals("second", Files.readString(file));
    }

    @Test
    void aFileGoneSinceTheListingGetsNoClaim() throws Exception {
        Exchange exchange = exchangeFor(INBOX.resolve("sub/gone.dcm"));
        claims.claim(exchange);
        assertNull(exchange.getProperty(InboxClaims.CLAIMED));
    }

    @Test
    void putBackRestoresTheNameOrTheFirstFreeNumberedOne() throws Exception {
        Path file = Files.writeString(INBOX.resolve("mr.dcm"), "first");
        Exchange exchange = exchangeFor(file);
        claims.claim(exchange);
        claims.putBack(exchange);
        assertEquals("first", Files.readString(file));
        assertEquals(List.of(file), files());

        claims.claim(exchange = exchangeFor(file));
        Files.writeString(file, "second");
        Files.writeString(INBOX.resolve("mr (2).dcm"), "someone else's");
        claims.putBack(exchange);
        assertEquals("second", Files.readString(file));
        assertEquals("first", Files.readString(INBOX.resolve("mr (3).dcm")));
    }

    @Test
    void recoverPutsBackWhatAStopLeftClaimedAndSkipsHiddenFolders() throws Exception {
        Path a = Files.writeString(INBOX.resolve("a.dcm"), "a");
        Path b = Files.writeString(INBOX.resolve("sub/b"), "b");
        claims.claim(exchangeFor(a));
        claims.claim(exchangeFor(b));
        Path failed = Files.createDirectories(INBOX.resolve(".failed"));
        Path inFailed = Files.writeString(failed.resolve(InboxClaims.PREFIX + "1234-kept.dcm"), "not ours to touch");

        new InboxClaims(INBOX.toString()).recover();
        assertEquals("a", Files.readString(a));
        assertEquals("b", Files.readString(b));
        assertTrue(Files.exists(inFailed));
        assertEquals(List.of(a, inFailed, b).stream().sorted().toList(), files());
    }

    @Test
    void aVeryLongNameIsShortenedInItsClaimKeepingTheEnd() {
        String name = "é".repeat(150) + ".dcm";
        String shortened = InboxClaims.shortened(name);
        assertTrue(shortened.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 200);
        assertTrue(shortened.endsWith("éé.dcm"));
        assertEquals("ct.dcm", InboxClaims.shortened("ct.dcm"));
    }

    private static Exchange exchangeFor(Path file) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(file.toFile());
        return exchange;
    }

    private static List<Path> files() throws Exception {
        try (Stream<Path> walk = Files.walk(INBOX)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
