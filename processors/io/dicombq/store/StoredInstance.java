package io.dicombq.store;

import io.dicombq.row.MetadataRow;

import java.nio.file.Path;
import java.time.Instant;

/** An instance as the store holds it: where its bytes are, when it was accepted, and the INSERT row it gave. */
public record StoredInstance(String study, String series, String sop, String sopClassUid, Path file, long size,
                             Instant storedAt, String storageClass, MetadataRow row) {
}
