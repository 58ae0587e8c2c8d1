package io.dicombq.reliability;

import io.dicombq.row.corpus.DicomWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static io.dicombq.row.corpus.DicomWriter.str;

/** Small, valid DICOM Part 10 instances made on the fly (CT image storage header, no pixels), and folder helpers. */
final class TestInstances {
    static final String ROOT = "1.2.826.0.1.3680043.10.1453.77";

    private TestInstances() {
    }

    static String study(int s) {
        return ROOT + "." + s;
    }

    static String sop(int s, int i) {
        return ROOT + "." + s + ".1." + i;
    }

    /** Instance {@code i} of study {@code s}: one series per study. */
    static byte[] instance(int s, int i) {
        return instance(study(s), study(s) + ".1", sop(s, i));
    }

    static byte[] instance(String study, String series, String sop) {
        List<DicomWriter.El> ds = new ArrayList<>();
        ds.add(str(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.2"));
        ds.add(str(0x00080018, "UI", sop));
        ds.add(str(0x00080060, "CS", "CT"));
        ds.add(str(0x00100010, "PN", "Reliability^Test"));
        ds.add(str(0x00100020, "LO", "PID-REL"));
        ds.add(str(0x0020000D, "UI", study));
        ds.add(str(0x0020000E, "UI", series));
        return DicomWriter.file(ds, DicomWriter.EXPLICIT_LE, true);
    }

    /** Writes a file into a watched folder the way a careful copier does: aside first, then renamed in. */
    static void drop(Path inbox, String name, byte[] content) {
        try {
            Path target = inbox.resolve(name);
            Files.createDirectories(target.getParent());
            Path tmp = inbox.resolve("." + target.getFileName() + ".part");
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waiting or being streamed; see {@link io.dicombq.testing.Inbox#pending}. */
    static List<Path> inboxFiles(Path inbox) {
        return io.dicombq.testing.Inbox.pending(inbox);
    }
}
