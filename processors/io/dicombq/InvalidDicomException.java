package io.dicombq;

/** The input is not a DICOM instance we can store: not DICOM at all, truncated, or missing its UIDs. */
public class InvalidDicomException extends Exception {
    public InvalidDicomException(String message) {
        super(message);
    }

    public InvalidDicomException(String message, Throwable cause) {
        super(message, cause);
    }
}
