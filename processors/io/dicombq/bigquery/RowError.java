package io.dicombq.bigquery;

/** One of BigQuery's errors for one row of an insertAll request ({@code reason} as BigQuery names it). */
public record RowError(String reason, String location, String message) {

    /** BigQuery's reason for a valid row that was not inserted because another row of the request failed. */
    public static final String STOPPED = "stopped";

    public boolean stopped() {
        return STOPPED.equals(reason);
    }

    @Override
    public String toString() {
        return reason + (location == null || location.isEmpty() ? "" : " at " + location)
                + (message == null || message.isEmpty() ? "" : ": " + message);
    }
}
