package io.dicombq.bigquery;

import io.dicombq.row.MetadataRow;

import java.util.List;

/** A row BigQuery refused, with BigQuery's own reasons, on its way to the dead letter. */
public record RejectedRow(MetadataRow row, String table, List<RowError> errors) {

    /** BigQuery's reasons joined, e.g. {@code invalid at PatientAge: Cannot convert value to integer.} */
    public String reason() {
        StringBuilder sb = new StringBuilder();
        for (RowError e : errors) {
            if (!e.stopped()) {
                sb.append(sb.isEmpty() ? "" : "; ").append(e);
            }
        }
        return sb.toString();
    }
}
