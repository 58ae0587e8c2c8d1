package io.dicombq.api;

/**
 * A request the API refuses, with the HTTP status to answer. {@link GoogleErrors} turns it into
 * a Google-style error body; the message is shown to the caller, so it must say what to fix.
 */
public class ApiException extends RuntimeException {
    private final int httpStatus;

    public ApiException(int httpStatus, String message) {
        super(message, null, false, false); // no stack trace: this is an answer, not a bug
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}
