package io.dicombq.bigquery;

import com.google.cloud.bigquery.BigQueryError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-row errors of a failed insertAll, by row index within the request.
 *
 * <p>Through Camel they arrive only as text: the google-bigquery producer throws a plain
 * {@code Exception("InsertAll into TABLE failed: " + response.getInsertErrors())}, i.e. a map
 * printed as {@code {0=[BigQueryError{reason=invalid, location=x, message=...}], 1=[...]}}.
 * {@link #fromCamelMessage} reads that form back. Entries are found by their
 * {@code N=[BigQueryError{reason=} opening, so commas or braces inside BigQuery's messages
 * do not confuse it.
 */
public record InsertAllFailure(String table, Map<Integer, List<RowError>> errors) {

    private static final String PREFIX = "InsertAll into ";
    private static final Pattern HEAD = Pattern.compile("^InsertAll into (.*?) failed: \\{", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("(?:^|, )(\\d+)=\\[(?=BigQueryError\\{reason=)");
    private static final Pattern ERROR = Pattern.compile(
            "BigQueryError\\{reason=(.*?), location=(.*?), message=(.*?)\\}(?=, BigQueryError\\{reason=|\\]$)",
            Pattern.DOTALL);

    public InsertAllFailure {
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
    }

    /** From the client's response map (direct use of the client). */
    public static InsertAllFailure fromResponse(String table, Map<Long, List<BigQueryError>> insertErrors) {
        Map<Integer, List<RowError>> out = new TreeMap<>();
        insertErrors.forEach((index, list) -> {
            List<RowError> rowErrors = new ArrayList<>();
            for (BigQueryError e : list) {
                rowErrors.add(new RowError(e.getReason(), e.getLocation(), e.getMessage()));
            }
            out.put(index.intValue(), rowErrors);
        });
        return new InsertAllFailure(table, out);
    }

    /** Reads the google-bigquery producer's exception message; empty when it is some other failure. */
    public static Optional<InsertAllFailure> fromCamelMessage(String message) {
        if (message == null || !message.startsWith(PREFIX) || !message.endsWith("}")) {
            return Optional.empty();
        }
        Matcher head = HEAD.matcher(message);
        if (!head.find()) {
            return Optional.empty();
        }
        String body = message.substring(head.end(), message.length() - 1);
        Matcher entry = ENTRY.matcher(body);
        List<int[]> starts = new ArrayList<>(); // {row index, start of entry, start of its list content}
        while (entry.find()) {
            starts.add(new int[] {Integer.parseInt(entry.group(1)), entry.start(), entry.end()});
        }
        if (starts.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, List<RowError>> errors = new TreeMap<>();
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[1] : body.length();
            String list = body.substring(starts.get(i)[2], end); // "BigQueryError{...}, BigQueryError{...}]"
            Matcher m = ERROR.matcher(list);
            List<RowError> rowErrors = new ArrayList<>();
            while (m.find()) {
                rowErrors.add(new RowError(nullText(m.group(1)), nullText(m.group(2)), nullText(m.group(3))));
            }
            if (rowErrors.isEmpty()) {
                return Optional.empty();
            }
            errors.put(starts.get(i)[0], rowErrors);
        }
        return Optional.of(new InsertAllFailure(head.group(1), errors));
    }

    private static String nullText(String s) {
        return "null".equals(s) ? null : s;
    }

    /** True when the row was rejected for itself, not just stopped because another row failed. */
    public boolean rejected(int index) {
        List<RowError> list = errors.get(index);
        return list != null && list.stream().anyMatch(e -> !e.stopped());
    }

    /** BigQuery's reasons for one row, joined for a log line or dead-letter record. */
    public String reasonFor(int index) {
        List<RowError> list = errors.getOrDefault(index, List.of());
        List<String> parts = new ArrayList<>();
        for (RowError e : list) {
            if (!e.stopped() || list.size() == 1) {
                parts.add(e.toString());
            }
        }
        return String.join("; ", parts);
    }
}
