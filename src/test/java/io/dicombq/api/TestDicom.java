package io.dicombq.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real DICOM files for the tests, written by dcmtk's dump2dcm from a text dump. */
final class TestDicom {
    static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";

    private TestDicom() {
    }

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/dump2dcm"));
    }

    /** A small CT instance (8x8 pixels) with the given UIDs; {@code studyUid} is written as given, valid or not. */
    static Path instance(Path dir, String studyUid, String seriesUid, String sopUid) throws IOException, InterruptedException {
        return write(dir, studyUid, seriesUid, sopUid, "(7fe0,0010) OW " + "0000\\".repeat(63) + "0000");
    }

    /** The same instance without its pixel data, for tests that append a huge Pixel Data element themselves. */
    static Path withoutPixelData(Path dir, String studyUid, String seriesUid, String sopUid)
            throws IOException, InterruptedException {
        return write(dir, studyUid, seriesUid, sopUid, "");
    }

    private static Path write(Path dir, String studyUid, String seriesUid, String sopUid, String pixelData)
            throws IOException, InterruptedException {
        String dump = String.join("\n",
                "(0002,0001) OB 00\\01",
                "(0002,0002) UI [" + CT_IMAGE + "]",
                "(0002,0003) UI [" + sopUid + "]",
                "(0002,0010) UI [1.2.840.10008.1.2.1]",
                "(0008,0016) UI [" + CT_IMAGE + "]",
                "(0008,0018) UI [" + sopUid + "]",
                "(0008,0060) CS [CT]",
                "(0010,0010) PN [Test^Patient]",
                "(0010,0020) LO [P1]",
                "(0020,000d) UI [" + studyUid + "]",
                "(0020,000e) UI [" + seriesUid + "]",
                "(0020,0013) IS [1]",
                "(0028,0002) US 1",
                "(0028,0004) CS [MONOCHROME2]",
                "(0028,0010) US 8",
                "(0028,0011) US 8",
                "(0028,0100) US 16",
                "(0028,0101) US 12",
                "(0028,0102) US 11",
                "(0028,0103) US 0",
                pixelData,
                "");
        Files.createDirectories(dir);
        Path txt = Files.createTempFile(dir, "dump", ".txt");
        Files.writeString(txt, dump, StandardCharsets.US_ASCII);
        Path out = dir.resolve(sopUid.replaceAll("[^0-9.]", "_") + ".dcm");
        Process p = new ProcessBuilder("/usr/bin/dump2dcm", "--write-file", txt.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("dump2dcm failed: " + log);
        }
        Files.delete(txt);
        return out;
    }
}
