package io.dicombq.warehouse;

import io.dicombq.row.ServiceColumns;

/**
 * DuckDB's {@code TABLE_view} definition; BigQuery's is {@link io.dicombq.bigquery.BigQueryViewSql}.
 * Both have this meaning, held to the same scenarios by the tests:
 * one row per (StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID), the newest by
 * LastUpdated (a NULL LastUpdated is the oldest: rows written before the column existed), a
 * DELETE winning a tie; instances whose newest row is a DELETE are left out. Every column of
 * the table shows, except the helper rank.
 *
 * <p>DuckDB expands {@code *} when the view is created, so the view must be replaced whenever
 * the table gains columns. The DuckDB body names the table without its catalog: a view
 * resolves names in its own database first, so the file still works when attached under
 * another name (for example when opened with the {@code duckdb} command-line tool).
 */
public final class ViewSql {

    /** Helper column: the row's rank within its instance, newest first. Never shown. */
    static final String RANK = "_dicombq_rank";

    private ViewSql() {
    }

    /** DuckDB: {@code CREATE OR REPLACE VIEW "P"."D"."T_view" AS ...}. */
    public static String duckDb(TableRef table) {
        return "CREATE OR REPLACE VIEW " + duckDbQuote(table.project()) + "." + duckDbQuote(table.dataset()) + "."
                + duckDbQuote(table.viewName()) + " AS\n" + duckDbQuery(table);
    }

    /** DuckDB: the view's SELECT. */
    public static String duckDbQuery(TableRef table) {
        String from = duckDbQuote(table.dataset()) + "." + duckDbQuote(table.table());
        return body("* EXCLUDE (" + duckDbQuote(RANK) + ")", from, ViewSql::duckDbQuote);
    }

    private static String body(String allButRank, String from, java.util.function.UnaryOperator<String> q) {
        String type = q.apply(ServiceColumns.TYPE);
        String delete = "'" + ServiceColumns.DELETE + "'";
        return "SELECT " + allButRank + "\n"
                + "FROM (\n"
                + "  SELECT *, ROW_NUMBER() OVER (\n"
                + "    PARTITION BY " + q.apply("StudyInstanceUID") + ", " + q.apply("SeriesInstanceUID") + ", "
                + q.apply("SOPInstanceUID") + "\n"
                + "    ORDER BY " + q.apply(ServiceColumns.LAST_UPDATED) + " DESC NULLS LAST,\n"
                + "             CASE WHEN " + type + " = " + delete + " THEN 0 ELSE 1 END\n"
                + "  ) AS " + q.apply(RANK) + "\n"
                + "  FROM " + from + "\n"
                + ")\n"
                + "WHERE " + q.apply(RANK) + " = 1 AND COALESCE(" + type + ", '') <> " + delete;
    }

    /** DuckDB quoted identifier ({@code "a ""b"""}). */
    public static String duckDbQuote(String identifier) {
        return DuckDbTypes.quote(identifier);
    }
}
