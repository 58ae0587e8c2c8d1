package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.*;

import io.dicombq.InvalidDicomException;
import io.dicombq.row.corpus.DicomWriter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DicomInstanceReaderTest {
    final DicomInstanceReader reader = new DicomInstanceReader();

    String reason(byte[] b) {
        return assertThrows(InvalidDicomException.class, () -> reader.read(new ByteArrayInputStream(b))).getMessage();
    }

    byte[] good() throws Exception {
        return Files.readAllBytes(Path.of("src/test/resources/corpus/ts-explicit-le.dcm"));
    }

    @Test
    void badInputsAreRejectedWithAReason() throws Exception {
        assertEquals("not DICOM: the input is empty", reason(new byte[0]));
        assertTrue(reason("hello, this is plain text and certainly not DICOM at all".getBytes()).startsWith("not DICOM"));
        assertEquals("not DICOM: the input is a ZIP archive", reason(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}));
        byte[] g = good();
        for (int cut : new int[] {140, 200}) {
            String r = reason(Arrays.copyOf(g, cut));
            assertTrue(r.startsWith("truncated DICOM: the input ends inside "), r);
        }
    }

    @Test
    void everyCutInsideAnElementIsTruncated() throws Exception {
        // the last element of the file is Columns (0028,0011) US: 8 bytes of header, 2 of value
        byte[] g = good();
        assertEquals(512L, reader.read(new ByteArrayInputStream(g)).row().get("Columns"));
        for (int cut = 1; cut < 10; cut++) {
            assertEquals("truncated DICOM: the input ends inside " + (cut <= 6 ? "Tag_00280011 (Columns)" : "an element's tag"),
                    reason(Arrays.copyOf(g, g.length - cut)), "cut " + cut);
        }
        // no cut of a deflated, an implicit VR or a deeply nested file is accepted; a cut that falls
        // between two top-level elements is a shorter valid data set, rejected only for its missing UIDs
        for (String name : List.of("ts-deflated", "ts-implicit-le", "deep-sr")) {
            byte[] f = Files.readAllBytes(Path.of("src/test/resources/corpus/" + name + ".dcm"));
            int truncated = 0;
            for (int cut = f.length - 1; cut > 132; cut -= 7) {
                String r = reason(Arrays.copyOf(f, cut));
                assertTrue(r.startsWith("truncated DICOM") || r.startsWith("malformed DICOM")
                        || r.endsWith("is missing"), name + " " + cut + ": " + r);
                truncated += r.startsWith("truncated DICOM") ? 1 : 0;
            }
            assertTrue(truncated > 0, name);
        }
    }

    @Test
    void largeBinaryValuesBeforeThePixelDataAreReadThroughNotHeld() throws Exception {
        // 3 GiB of OB in a sequence item and 3 GiB of OW at the top: more than any byte[] can hold,
        // so reading them into memory would fail; they are read through and named in DroppedTags
        long big = 3L << 30;
        byte[] head = DicomWriter.file(List.of(DicomWriter.str(0x00080016, "UI", "1.2"),
                DicomWriter.str(0x00080018, "UI", "1.2.3")), DicomWriter.EXPLICIT_LE, true);
        byte[] seqStart = {0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, -1, -1, -1, -1, // ReferencedInstanceSequence
            (byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, -1, -1, -1, -1,
            0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0, 0, 0, 0, (byte) 0xC0}; // (0009,1010) OB, 3 GiB
        byte[] seqEnd = {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0,
            (byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        byte[] uids = DicomWriter.encode(List.of(DicomWriter.str(0x0020000D, "UI", "1.2.4"),
                DicomWriter.str(0x0020000E, "UI", "1.2.5")), true, false);
        byte[] ow = {0x29, 0x00, 0x10, 0x10, 'O', 'W', 0, 0, 0, 0, 0, (byte) 0xC0}; // (0029,1010) OW, 3 GiB
        InputStream in = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(concat(head, seqStart)), zeros(big), new ByteArrayInputStream(seqEnd),
                new ByteArrayInputStream(uids), new ByteArrayInputStream(ow), zeros(big))));
        ParsedInstance p = new DicomInstanceReader(4L << 30).read(in);
        assertEquals("1.2.5", p.seriesInstanceUid());
        assertEquals(List.of(java.util.Map.of("TagName", "Tag_00091010"), java.util.Map.of("TagName", "Tag_00291010")),
                p.row().get("DroppedTags"));
    }

    @Test
    void corruptedBytesGiveARowOrAReasonNeverAnotherError() throws Exception {
        java.util.Random random = new java.util.Random(20240131); // fixed seed: the same inputs every run
        int rejected = 0;
        int read = 0;
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("src/test/resources/corpus"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".dcm")).sorted().toList()) {
                byte[] orig = Files.readAllBytes(p);
                if (orig.length > 1 << 20) {
                    continue;
                }
                for (int round = 0; round < 40; round++) {
                    byte[] b = orig.clone();
                    for (int k = 0; k < 1 + round % 4; k++) {
                        int at = 128 + random.nextInt(b.length - 128);
                        b[at] = (byte) (round % 3 == 0 ? 0xFF : random.nextInt(256));
                    }
                    try {
                        reader.read(new ByteArrayInputStream(b));
                        read++;
                    } catch (InvalidDicomException e) {
                        assertFalse(e.getMessage().contains("Exception"), p + ": " + e.getMessage());
                        rejected++;
                    }
                }
            }
        }
        assertTrue(rejected > 100 && read > 100, rejected + " rejected, " + read + " read");
    }

    @Test
    void aDeflateBombOfTinyElementsIsCapped() throws Exception {
        // 100,000 empty private elements inflate from a few hundred bytes; the cap (here 10,000) stops them
        java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream out = new java.util.zip.DeflaterOutputStream(deflated,
                new java.util.zip.Deflater(9, true))) {
            byte[] empty = {0x09, 0x00, 0x01, 0x10, 'L', 'O', 0, 0};
            for (int i = 0; i < 100_000; i++) {
                out.write(empty);
            }
        }
        byte[] whole = DicomWriter.file(List.of(DicomWriter.str(0x00080016, "UI", "1.2"),
                DicomWriter.str(0x00080018, "UI", "1.2.3")), "1.2.840.10008.1.2.1.99", true);
        int groupLength = java.nio.ByteBuffer.wrap(whole, 140, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] meta = Arrays.copyOf(whole, 144 + groupLength); // preamble, DICM, (0002,0000) and the group
        byte[] file = concat(meta, deflated.toByteArray());
        assertTrue(file.length < 2_000, "bomb of " + file.length + " bytes");
        InvalidDicomException e = assertThrows(InvalidDicomException.class, () ->
                new DicomStreamParser(TagDictionary.standard(), 1 << 20, new java.util.ArrayList<>(), 10_000)
                        .parse(new ByteSource(new ByteArrayInputStream(file), ByteSource.BUFFER_BYTES)));
        assertEquals("malformed DICOM: more than 10000 elements", e.getMessage());
    }

    /** {@code size} zero bytes that cost nothing to serve (the buffer is left as it is). */
    static InputStream zeros(long size) {
        long[] served = {0};
        return new InputStream() {
            @Override
            public int read() {
                return served[0]++ < size ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, size - served[0]);
                if (n <= 0) {
                    return -1;
                }
                served[0] += n;
                return n;
            }
        };
    }

    @Test
    void wrongLengthIsRejected() throws Exception {
        byte[] g = good();
        // find PatientID (0010,0020) LO and claim 60000 bytes
        for (int i = 132; i < g.length - 8; i++) {
            if (g[i] == 0x10 && g[i + 1] == 0 && g[i + 2] == 0x20 && g[i + 3] == 0 && g[i + 4] == 'L') {
                g[i + 6] = (byte) 0x60;
                g[i + 7] = (byte) 0xEA;
            }
        }
        String r = reason(g);
        assertTrue(r.contains("truncated") || r.contains("malformed") || r.contains("is missing"), r);
    }

    @Test
    void missingUidIsRejected() {
        byte[] f = DicomWriter.file(List.of(DicomWriter.str(0x00080016, "UI", "1.2"),
                DicomWriter.str(0x00080018, "UI", "1.2.3")), DicomWriter.EXPLICIT_LE, true);
        assertEquals("not a storable instance: StudyInstanceUID (0020,000D) is missing", reason(f));
    }

    @Test
    void pixelDataIsNeverRead() throws Exception {
        byte[] head = DicomWriter.file(List.of(DicomWriter.str(0x00080016, "UI", "1.2"),
                DicomWriter.str(0x00080018, "UI", "1.2.3"), DicomWriter.str(0x0020000D, "UI", "1.2.4"),
                DicomWriter.str(0x0020000E, "UI", "1.2.5")), DicomWriter.EXPLICIT_LE, true);
        long size = 1L << 30; // 1 GiB of pixel data that is never materialised
        byte[] pix = {(byte) 0xE0, 0x7F, 0x10, 0, 'O', 'W', 0, 0, 0, 0, 0, 0x40};
        long[] served = {0};
        InputStream pixels = new InputStream() {
            @Override
            public int read() {
                return served[0]++ < size ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, size - served[0]);
                if (n <= 0) {
                    return -1;
                }
                served[0] += n;
                return n;
            }
        };
        ParsedInstance p = reader.read(new SequenceInputStream(new ByteArrayInputStream(
                DicomInstanceReaderTest.concat(head, pix)), pixels));
        assertEquals("1.2.3", p.sopInstanceUid());
        assertTrue(served[0] < 1 << 20, "read " + served[0] + " bytes of pixel data");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    @Test
    void uidsAndSopClassAreReturned() throws Exception {
        ParsedInstance p = reader.read(Path.of("src/test/resources/corpus/ts-deflated.dcm"));
        assertEquals("1.2.826.0.1.3680043.10.1.100", p.studyInstanceUid());
        assertEquals("1.2.826.0.1.3680043.10.1.100.1", p.seriesInstanceUid());
        assertEquals("1.2.826.0.1.3680043.10.1.4", p.sopInstanceUid());
        assertEquals("1.2.840.10008.5.1.4.1.1.7", p.sopClassUid());
    }
}
