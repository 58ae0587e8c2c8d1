package io.dicombq.store;

import io.dicombq.row.MetadataRow;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/** An instance as the store holds it: where its bytes are, when it was accepted, and the INSERT row it gave. */
public record StoredInstance(String study, String series, String sop, String sopClassUid, Path file, long size,
                             Instant storedAt, String storageClass, MetadataRow row) {

    /**
     * Identity is the instance's UIDs and when it was stored. Not the row: Camel's bean language
     * hashes a body it calls a method on ({@code ${body.row}}), and hashing a whole metadata row per
     * message was measurable in the profile.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredInstance s && Objects.equals(study, s.study) && Objects.equals(series, s.series)
                && Objects.equals(sop, s.sop) && Objects.equals(storedAt, s.storedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(study, series, sop, storedAt);
    }
}
