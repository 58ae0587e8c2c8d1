package io.dicombq.warehouse;

import java.util.regex.Pattern;

/**
 * A destination table named as a stream config names it: {@code bq://PROJECT.DATASET.TABLE}.
 * Validation follows BigQuery's naming rules, so a config accepted here is accepted by BigQuery.
 */
public record TableRef(String project, String dataset, String table) {

    // Project IDs: lower-case letters, digits and hyphens, starting with a letter (an optional
    // "domain:" prefix for legacy domain-scoped projects). Local names such as "local" are allowed.
    private static final Pattern PROJECT = Pattern.compile("(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{0,29}");
    // Datasets: letters, digits, underscores, at most 1024 characters.
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
    // Tables: Unicode letters, marks, numbers, connectors, dashes and spaces, at most 1024 characters.
    private static final Pattern TABLE = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}\\p{Zs}]{1,1024}");

    public static TableRef parse(String uri) {
        if (uri == null || !uri.startsWith("bq://")) {
            throw new IllegalArgumentException("tableUri must look like bq://PROJECT.DATASET.TABLE, got: " + uri);
        }
        String rest = uri.substring("bq://".length());
        int lastDot = rest.lastIndexOf('.');
        int datasetDot = lastDot < 0 ? -1 : rest.lastIndexOf('.', lastDot - 1);
        if (datasetDot < 0) {
            throw new IllegalArgumentException("tableUri must look like bq://PROJECT.DATASET.TABLE, got: " + uri);
        }
        String project = rest.substring(0, datasetDot);
        String dataset = rest.substring(datasetDot + 1, lastDot);
        String table = rest.substring(lastDot + 1);
        if (!PROJECT.matcher(project).matches()) {
            throw new IllegalArgumentException("invalid project ID '" + project + "' in tableUri " + uri);
        }
        if (!DATASET.matcher(dataset).matches()) {
            throw new IllegalArgumentException("invalid dataset ID '" + dataset + "' in tableUri " + uri
                    + " (letters, digits and underscores only)");
        }
        if (!TABLE.matcher(table).matches() || table.endsWith("_view")) {
            throw new IllegalArgumentException("invalid table ID '" + table + "' in tableUri " + uri
                    + (table.endsWith("_view") ? " (names ending in _view are kept for views)" : ""));
        }
        return new TableRef(project, dataset, table);
    }

    public String uri() {
        return "bq://" + project + "." + dataset + "." + table;
    }

    /** The view that shows the latest state of every instance: {@code TABLE_view}. */
    public String viewName() {
        return table + "_view";
    }

    /** A name safe for route ids and file names. */
    public String id() {
        return (project + "." + dataset + "." + table).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public String toString() {
        return uri();
    }
}
