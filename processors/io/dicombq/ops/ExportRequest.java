package io.dicombq.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.warehouse.TableRef;

/**
 * The body of {@code POST ...dicomStores/S:export}:
 * {@code {"bigqueryDestination":{"tableUri":"bq://P.D.T","force":false,"writeDisposition":"WRITE_EMPTY"}}}.
 * As in the Healthcare API, {@code writeDisposition} wins when given; otherwise {@code force}
 * true means WRITE_TRUNCATE and false (the default) WRITE_EMPTY.
 */
public record ExportRequest(TableRef table, WriteDisposition disposition) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum WriteDisposition { WRITE_EMPTY, WRITE_TRUNCATE, WRITE_APPEND }

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static ExportRequest parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("bigqueryDestination").isObject()) {
            throw new IllegalArgumentException("bigqueryDestination is required, e.g. "
                    + "{\"bigqueryDestination\":{\"tableUri\":\"bq://PROJECT.DATASET.TABLE\"}}");
        }
        JsonNode dest = root.path("bigqueryDestination");
        JsonNode uri = dest.path("tableUri");
        if (!uri.isTextual()) {
            throw new IllegalArgumentException("bigqueryDestination.tableUri is required (bq://PROJECT.DATASET.TABLE)");
        }
        TableRef table;
        try {
            table = TableRef.parse(uri.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bigqueryDestination.tableUri: " + e.getMessage());
        }
        JsonNode force = dest.path("force");
        if (!force.isMissingNode() && !force.isBoolean()) {
            throw new IllegalArgumentException("bigqueryDestination.force must be true or false");
        }
        WriteDisposition disposition = force.asBoolean(false) ? WriteDisposition.WRITE_TRUNCATE
                : WriteDisposition.WRITE_EMPTY;
        JsonNode wd = dest.path("writeDisposition");
        if (!wd.isMissingNode() && !wd.isNull()) {
            try {
                disposition = WriteDisposition.valueOf(wd.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bigqueryDestination.writeDisposition must be WRITE_EMPTY, "
                        + "WRITE_TRUNCATE or WRITE_APPEND, got '" + wd.asText() + "'");
            }
        }
        return new ExportRequest(table, disposition);
    }
}
