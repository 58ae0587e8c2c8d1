package io.dicombq.warehouse;

import java.util.Map;

/** Some rows of a batch were rejected (BigQuery's insertAll reports errors per row); the others landed. */
public class PartialInsertException extends Exception {
    private final Map<Integer, String> rowErrors;

    /** @param rowErrors index in the batch → the destination's reason */
    public PartialInsertException(String message, Map<Integer, String> rowErrors) {
        super(message);
        this.rowErrors = Map.copyOf(rowErrors);
    }

    public Map<Integer, String> rowErrors() {
        return rowErrors;
    }
}
