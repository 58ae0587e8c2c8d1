package io.dicombq.bigquery;

import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.TableRef;

/**
 * GoogleSQL for the {@code TABLE_view} view (DESIGN.md section 4): one row per
 * (StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID), the newest by {@code LastUpdated}
 * (NULL counts as oldest), a DELETE winning a tie; instances whose newest row is a DELETE
 * are left out. A row with a NULL {@code Type} (written before the column existed) counts as
 * an INSERT. The embedded warehouse's view has the same meaning.
 */
public final class BigQueryViewSql {

    /** Name of the helper column the window adds; removed again by {@code SELECT * EXCEPT}. */
    static final String RANK = "_dicombq_rank";

    private BigQueryViewSql() {
    }

    /** {@code CREATE OR REPLACE VIEW `p`.`d`.`t_view` AS SELECT ...} */
    public static String createOrReplace(TableRef table) {
        return "CREATE OR REPLACE VIEW " + path(table.project(), table.dataset(), table.viewName())
                + " AS\n" + select(table);
    }

    /** The view's query on its own (the part the tests evaluate). */
    public static String select(TableRef table) {
        return selectFrom(path(table.project(), table.dataset(), table.table()));
    }

    /** The view's query over a table given by an already quoted path. */
    static String selectFrom(String tablePath) {
        String type = ServiceColumns.TYPE;
        String deleted = "'" + ServiceColumns.DELETE + "'";
        return "SELECT * EXCEPT (" + RANK + ")\n"
                + "FROM (\n"
                + "  SELECT t.*,\n"
                + "    ROW_NUMBER() OVER (\n"
                + "      PARTITION BY t.StudyInstanceUID, t.SeriesInstanceUID, t.SOPInstanceUID\n"
                + "      ORDER BY t." + ServiceColumns.LAST_UPDATED + " DESC NULLS LAST,\n"
                + "               IF(t." + type + " = " + deleted + ", 0, 1)\n"
                + "    ) AS " + RANK + "\n"
                + "  FROM " + tablePath + " AS t\n"
                + ")\n"
                + "WHERE " + RANK + " = 1 AND IFNULL(" + type + ", '') != " + deleted;
    }

    /** Each part quoted on its own, so project IDs with hyphens or a domain prefix work. */
    public static String path(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append('`').append(p.replace("\\", "\\\\").replace("`", "\\`")).append('`');
        }
        return sb.toString();
    }
}
