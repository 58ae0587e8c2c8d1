package io.dicombq.stream;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.store.DicomStore;
import io.dicombq.store.StoredInstance;
import io.dicombq.store.Uids;
import org.apache.camel.Header;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a DICOMweb DELETE (study, series or instance) into one {@code Type='DELETE'} row per
 * stored instance, carrying that instance's last stored metadata, so "what was deleted" can be
 * answered from the table. Rows are never changed, only appended.
 */
public final class DeletionEnricher {

    /** A stored instance to remove and the DELETE row that announces it. */
    public record Deletion(StoredInstance instance, MetadataRow row) {
        // identity is the instance (see StoredInstance): the routes call methods on these bodies
        @Override
        public boolean equals(Object o) {
            return o instanceof Deletion d && instance.equals(d.instance);
        }

        @Override
        public int hashCode() {
            return instance.hashCode();
        }
    }

    private final DicomStore store;

    public DeletionEnricher(DicomStore store) {
        this.store = store;
    }

    public List<Deletion> deletions(@Header("DicomStudy") String study, @Header("DicomSeries") String series,
                                    @Header("DicomInstance") String instance) throws IOException {
        Uids.require("study UID", study);
        if (series != null) {
            Uids.require("series UID", series);
        }
        if (instance != null) {
            Uids.require("instance UID", instance);
        }
        Instant deletedAt = Instant.now();
        List<Deletion> out = new ArrayList<>();
        for (StoredInstance s : store.find(study, series, instance)) {
            MetadataRow row = s.row().copy();
            ServiceColumns.apply(row, ServiceColumns.DELETE, deletedAt, s.size(), s.storageClass());
            out.add(new Deletion(s, row));
        }
        return out;
    }

    /** Called once every destination has the DELETE row. */
    public void remove(Deletion deletion) throws IOException {
        store.remove(deletion.instance());
    }
}
