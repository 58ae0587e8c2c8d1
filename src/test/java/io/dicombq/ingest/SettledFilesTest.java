package io.dicombq.ingest;

import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettledFilesTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SettledFiles<Object> settled = new SettledFiles<>(300, now::get);

    private static GenericFile<Object> file(String path, long length, long modified) {
        GenericFile<Object> f = new GenericFile<>();
        f.setAbsoluteFilePath(path);
        f.setFileLength(length);
        f.setLastModified(modified);
        return f;
    }

    @Test
    void takesAFileOnlyOnceItHasNotChangedForTheMinimumAge() {
        assertFalse(settled.accept(file("/in/a.dcm", 10, now.get() - 299)));
        assertTrue(settled.accept(file("/in/a.dcm", 10, now.get() - 300)));
        assertTrue(settled.accept(file("/in/old.dcm", 0, 5)), "an old empty file is taken (and rejected later as not DICOM)");
    }

    @Test
    void aFileGoneSinceTheListingIsNotTakenButOneDatedNineteenSeventyIs(@TempDir Path dir) throws Exception {
        GenericFile<Object> gone = file(dir.resolve("gone.dcm").toString(), 0, 0);
        gone.setFile(dir.resolve("gone.dcm").toFile());
        assertFalse(settled.accept(gone), "the listing saw it, but an earlier exchange has removed it");

        Path epoch = Files.writeString(dir.resolve("epoch.dcm"), "x");
        Files.setLastModifiedTime(epoch, FileTime.fromMillis(0));
        GenericFile<Object> old = file(epoch.toString(), 1, 0);
        old.setFile(epoch.toFile());
        assertTrue(settled.accept(old), "an existing file with modification time 0 (reproducible archives) is taken");
    }

    @Test
    void directoriesAreAlwaysWalked() {
        GenericFile<Object> dir = file("/in/sub", 0, now.get());
        dir.setDirectory(true);
        assertTrue(settled.accept(dir));
    }

    @Test
    void aFileDatedInTheFutureIsTakenOnceItStaysTheSameForTheMinimumAge() {
        long future = now.get() + 60_000;
        assertFalse(settled.accept(file("/in/f.dcm", 10, future)));
        now.addAndGet(200);
        assertFalse(settled.accept(file("/in/f.dcm", 20, future)), "it grew: the wait starts again");
        now.addAndGet(299);
        assertFalse(settled.accept(file("/in/f.dcm", 20, future)));
        now.addAndGet(1);
        assertTrue(settled.accept(file("/in/f.dcm", 20, future)));
    }
}
