package io.dicombq.bigquery;

/** insertAll answered with row errors; none of the request's rows were stored. */
public class BigQueryInsertException extends Exception {
    private final InsertAllFailure failure;

    public BigQueryInsertException(InsertAllFailure failure) {
        super("InsertAll into " + failure.table() + " failed: " + failure.errors());
        this.failure = failure;
    }

    public InsertAllFailure failure() {
        return failure;
    }
}
