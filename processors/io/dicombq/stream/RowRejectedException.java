package io.dicombq.stream;

/** The destination refused this row (as opposed to being unreachable). */
public class RowRejectedException extends Exception {
    public RowRejectedException(String destination, String reason) {
        super("row rejected by " + destination + ": " + reason);
    }
}
