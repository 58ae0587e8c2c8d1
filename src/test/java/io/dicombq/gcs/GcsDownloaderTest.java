package io.dicombq.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcsDownloaderTest {
    @TempDir
    Path incoming;

    @Test
    void removesOnlyOwnDownloadsOlderThanAnHour() throws Exception {
        Path orphan = part("gcs-111.part", Duration.ofHours(2));
        Path recent = part("gcs-222.part", Duration.ofMinutes(5));
        Path storeSpool = part("in-333.part", Duration.ofHours(2));
        Path other = part("gcs-444.dcm", Duration.ofHours(2));

        new GcsDownloader(incoming.toString()).removeOrphans();

        assertFalse(Files.exists(orphan), "a download a crash left behind");
        assertTrue(Files.exists(recent), "may still be written by another process");
        assertTrue(Files.exists(storeSpool), "the store's own spool files are not ours");
        assertTrue(Files.exists(other));
    }

    @Test
    void countsWhatItRemovedAndCopesWithNoFolder() throws Exception {
        part("gcs-1.part", Duration.ofHours(3));
        part("gcs-2.part", Duration.ofHours(3));
        assertEquals(2, new GcsDownloader(incoming.toString()).removeOrphans(Instant.now().minus(Duration.ofHours(1))));
        assertEquals(0, new GcsDownloader(incoming.resolve("missing").toString()).removeOrphans(Instant.now()));
    }

    private Path part(String name, Duration age) throws Exception {
        Path file = Files.writeString(incoming.resolve(name), "partial");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }
}
