package io.dicombq.observe;

import org.apache.logging.log4j.CloseableThreadContext;

/**
 * Labels for the log lines written inside a block: with {@code LOG_FORMAT=json} they appear
 * under {@code logging.googleapis.com/labels} (log4j2's GCP template reads the thread context),
 * so Cloud Logging can filter by store, destination or instance. Use with try-with-resources.
 */
public final class LogLabels {
    public static final String STORE = "store";
    public static final String DESTINATION = "destination";
    public static final String SOP_INSTANCE_UID = "sop_instance_uid";

    private LogLabels() {
    }

    public static CloseableThreadContext.Instance of(String store, String destination, String sopInstanceUid) {
        CloseableThreadContext.Instance labels = CloseableThreadContext.put(STORE, nullToEmpty(store));
        if (destination != null) {
            labels.put(DESTINATION, destination);
        }
        if (sopInstanceUid != null) {
            labels.put(SOP_INSTANCE_UID, sopInstanceUid);
        }
        return labels;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
