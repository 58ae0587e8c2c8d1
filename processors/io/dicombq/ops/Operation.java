package io.dicombq.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long-running operation (import, export), shown the way the Healthcare API shows one:
 * {@code name}, {@code done}, counters {@code success}/{@code failure}/{@code pending}, and the errors.
 */
public final class Operation {
    private static final int MAX_ERRORS_KEPT = 100;

    private final String name;
    private final String kind;
    private final Instant createTime = Instant.now();
    private final AtomicLong success = new AtomicLong();
    private final AtomicLong failure = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final List<String> errors = new ArrayList<>();
    private volatile Instant endTime;
    private volatile String fatalError;

    Operation(String name, String kind) {
        this.name = name;
        this.kind = kind;
    }

    public String name() {
        return name;
    }

    public String id() {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    public String kind() {
        return kind;
    }

    public boolean isDone() {
        return endTime != null;
    }

    public long success() {
        return success.get();
    }

    public long failure() {
        return failure.get();
    }

    public long pending() {
        return pending.get();
    }

    /** More work was found (for example objects listed from a bucket). */
    public void addPending(long n) {
        pending.addAndGet(n);
    }

    public void succeeded() {
        pending.decrementAndGet();
        success.incrementAndGet();
    }

    public void failed(String what, String reason) {
        pending.decrementAndGet();
        failure.incrementAndGet();
        synchronized (errors) {
            if (errors.size() < MAX_ERRORS_KEPT) {
                errors.add(what + ": " + reason);
            }
        }
    }

    /** The operation ended; {@code error} is null when it ran to completion (item failures are counted, not fatal). */
    public void finish(String error) {
        this.fatalError = error;
        this.endTime = Instant.now();
    }

    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> counter = new LinkedHashMap<>();
        counter.put("success", String.valueOf(success.get()));
        counter.put("failure", String.valueOf(failure.get()));
        counter.put("pending", String.valueOf(Math.max(0, pending.get())));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("@type", "type.googleapis.com/google.cloud.healthcare.v1.OperationMetadata");
        metadata.put("apiMethodName", "google.cloud.healthcare.v1.dicom.DicomService." + kind);
        metadata.put("createTime", createTime.toString());
        if (endTime != null) {
            metadata.put("endTime", endTime.toString());
        }
        metadata.put("counter", counter);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("metadata", metadata);
        if (endTime != null) {
            json.put("done", true);
            List<String> errs = errors();
            if (fatalError != null || !errs.isEmpty()) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", fatalError != null ? 13 : 2);
                error.put("message", fatalError != null ? fatalError
                        : failure.get() + " item(s) failed; first errors: " + String.join("; ", errs));
                error.put("details", errs);
                json.put("error", error);
            } else {
                json.put("response", Map.of("@type", "type.googleapis.com/google.protobuf.Empty"));
            }
        }
        return json;
    }
}
