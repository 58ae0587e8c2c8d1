package io.dicombq.reliability;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import io.dicombq.row.corpus.DicomWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.dicombq.row.corpus.DicomWriter.str;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input in the drop folder, all at once and mixed with good instances: each bad file ends in
 * the failed folder with a reason that says what is wrong, and every good instance still arrives.
 */
class BadInputMatrixTest {
    static final String TABLE = "bq://p.d.matrix";
    static final int GOOD = 20;
    static InProcessBundle bundle;
    static Path failed;

    @BeforeAll
    static void dropEverything() throws Exception {
        Path root = Path.of("target/it/reliability/bad-input");
        TestDirs.deleteRecursively(root);
        bundle = new InProcessBundle(root, 18293, TABLE, Map.of());
        failed = bundle.inbox.resolve(".failed");
        Path inbox = bundle.inbox;
        for (int i = 0; i < GOOD; i++) {
            TestInstances.drop(inbox, "good/" + i + ".dcm", TestInstances.instance(5, i));
        }
        TestInstances.drop(inbox, "bad/report.pdf", "%PDF-1.4\n1 0 obj << >> endobj\n".getBytes(StandardCharsets.US_ASCII));
        TestInstances.drop(inbox, "bad/empty.dcm", new byte[0]);
        byte[] whole = TestInstances.instance(6, 1);
        TestInstances.drop(inbox, "bad/truncated.dcm", Arrays.copyOf(whole, whole.length - 20));
        TestInstances.drop(inbox, "bad/invalid-uid.dcm",
                TestInstances.instance(TestInstances.study(6), TestInstances.study(6) + ".1", "1.2.840.abc"));
        TestInstances.drop(inbox, "bad/traversal.dcm",
                TestInstances.instance("../../../../escaped", TestInstances.study(6) + ".1", TestInstances.sop(6, 2)));
        TestInstances.drop(inbox, "odd/huge-private.dcm", hugePrivateElement());
        // links: one to nothing, one to an instance kept outside the inbox
        Files.createDirectories(inbox.resolve("links"));
        Files.createSymbolicLink(inbox.resolve("links/dangling.dcm"), bundle.root.resolve("nowhere.dcm"));
        Path outside = Files.write(bundle.root.resolve("outside.dcm"), TestInstances.instance(6, 4));
        Files.createSymbolicLink(inbox.resolve("links/linked.dcm"), outside);
        // the same instance twice, under two names
        TestInstances.drop(inbox, "odd/dup-a.dcm", TestInstances.instance(6, 9));
        TestInstances.drop(inbox, "odd/dup-b.dcm", TestInstances.instance(6, 9));
        Await.until("every file handled", Duration.ofSeconds(60),
                () -> TestInstances.inboxFiles(inbox).isEmpty() && Files.exists(failed.resolve("bad/traversal.dcm.reason.txt")));
    }

    @AfterAll
    static void stop() throws Exception {
        bundle.close();
    }

    @Test
    void everyGoodInstanceArrivesDespiteTheBadOnes() throws Exception {
        assertEquals(GOOD, bundle.count("SELECT count(*) FROM p.d.matrix_view WHERE StudyInstanceUID = '"
                + TestInstances.study(5) + "'"));
    }

    @Test
    void notDicom() throws Exception {
        assertRejected("bad/report.pdf", "not DICOM");
    }

    @Test
    void empty() throws Exception {
        assertRejected("bad/empty.dcm", "empty");
    }

    @Test
    void truncated() throws Exception {
        // cut inside its last element, the SeriesInstanceUID
        assertRejected("bad/truncated.dcm", "truncated DICOM: the input ends inside Tag_0020000E (SeriesInstanceUID)");
    }

    @Test
    void invalidUid() throws Exception {
        assertRejected("bad/invalid-uid.dcm", "SOPInstanceUID");
    }

    @Test
    void pathTraversalInAUidNeverTouchesAPath() throws Exception {
        assertRejected("bad/traversal.dcm", "StudyInstanceUID");
        try (Stream<Path> walk = Files.walk(bundle.root)) {
            assertTrue(walk.noneMatch(p -> p.toString().contains("escaped")));
        }
    }

    @Test
    void anEnormousPrivateElementIsDroppedFromTheRowNotTheInstance() throws Exception {
        List<Map<String, Object>> rows = bundle.warehouse.query("SELECT DroppedTags FROM p.d.matrix WHERE SOPInstanceUID = '"
                + TestInstances.sop(6, 3) + "'");
        assertEquals(1, rows.size());
        assertTrue(String.valueOf(rows.get(0).get("DroppedTags")).contains("Tag_00091001"), rows.toString());
        assertFalse(Files.exists(failed.resolve("odd/huge-private.dcm")));
    }

    @Test
    void aLinkToNothingIsRejectedAndKeptAsTheLinkItWas() throws Exception {
        // not a regular file, so the set-up's wait for an empty inbox does not cover it
        Path link = bundle.inbox.resolve("links/dangling.dcm");
        Await.until("the link is taken", Duration.ofSeconds(10),
                () -> Files.exists(failed.resolve("links/dangling.dcm.reason.txt"))
                        && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(failed.resolve("links/dangling.dcm")));
        assertEquals(bundle.root.resolve("nowhere.dcm"), Files.readSymbolicLink(failed.resolve("links/dangling.dcm")));
        assertRejected("links/dangling.dcm", "a symbolic link to a file that does not exist");
        String first = Files.readString(failed.resolve("links/dangling.dcm.reason.txt"));
        Thread.sleep(500); // several polls: the link left the inbox, so it is not rejected again
        assertEquals(first, Files.readString(failed.resolve("links/dangling.dcm.reason.txt")));
    }

    @Test
    void aLinkToAnInstanceStoresACopyAndLeavesTheLinkedFileAlone() throws Exception {
        String where = " WHERE SOPInstanceUID = '" + TestInstances.sop(6, 4) + "'";
        assertEquals(1, bundle.count("SELECT count(*) FROM p.d.matrix_view" + where));
        Path outside = bundle.root.resolve("outside.dcm");
        assertTrue(Files.isRegularFile(outside, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the linked file is untouched");
        assertFalse(Files.exists(bundle.inbox.resolve("links/linked.dcm"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "the link leaves the inbox once streamed");
        try (Stream<Path> walk = Files.walk(bundle.root.resolve("store"))) {
            Path kept = walk.filter(p -> p.getFileName().toString().equals(TestInstances.sop(6, 4) + ".dcm"))
                    .findFirst().orElseThrow();
            assertFalse(Files.isSymbolicLink(kept), "the store holds the bytes, not a link to someone else's file");
            assertFalse(Files.isSameFile(kept, outside), "nor a hard link to it, which its owner could still change");
            assertArrayEquals(Files.readAllBytes(outside), Files.readAllBytes(kept));
        }
    }

    @Test
    void aDuplicateIsAcceptedTwiceAndShownOnce() throws Exception {
        String where = " WHERE SOPInstanceUID = '" + TestInstances.sop(6, 9) + "'";
        assertEquals(2, bundle.count("SELECT count(*) FROM p.d.matrix" + where));
        assertEquals(1, bundle.count("SELECT count(*) FROM p.d.matrix_view" + where));
    }

    /** The failed folder keeps the file as it was, and its reason file names the problem. */
    private static void assertRejected(String name, String reasonMentions) throws Exception {
        Path kept = failed.resolve(name);
        assertTrue(Files.exists(kept, java.nio.file.LinkOption.NOFOLLOW_LINKS), name + " kept in the failed folder");
        String reason = Files.readString(failed.resolve(name + ".reason.txt"));
        assertTrue(reason.contains("reason: "), reason);
        String why = reason.substring(reason.indexOf("reason: ") + 8).trim();
        assertFalse(why.isBlank() || why.equals("null"), reason);
        assertTrue(why.contains(reasonMentions), reason);
        assertFalse(Files.exists(bundle.inbox.resolve(name)));
    }

    /** A valid instance carrying a 3 MiB private element: over the 1 MiB per-value limit of a row. */
    private static byte[] hugePrivateElement() {
        List<DicomWriter.El> ds = new ArrayList<>();
        ds.add(str(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2"));
        ds.add(str(0x00080018, "UI", TestInstances.sop(6, 3)));
        ds.add(str(0x00080060, "CS", "CT"));
        ds.add(str(0x00090010, "LO", "ACME RELIABILITY"));
        byte[] big = new byte[3 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        ds.add(DicomWriter.raw(0x00091001, "UT", big)); // UT: a 32-bit length
        ds.add(str(0x0020000D, "UI", TestInstances.study(6)));
        ds.add(str(0x0020000E, "UI", TestInstances.study(6) + ".1"));
        return DicomWriter.file(ds, DicomWriter.EXPLICIT_LE, true);
    }
}
