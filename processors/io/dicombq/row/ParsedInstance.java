package io.dicombq.row;

import java.util.List;

/**
 * One parsed DICOM instance: its identifying UIDs, its metadata row (DICOM columns only; the
 * service columns are added by {@link ServiceColumns}) and anything worth telling an operator
 * (undecodable text, UN values that could not be re-read).
 */
public record ParsedInstance(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                             String sopClassUid, MetadataRow row, List<String> warnings) {

    public ParsedInstance {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
