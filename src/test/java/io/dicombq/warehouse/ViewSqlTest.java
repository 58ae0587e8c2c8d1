package io.dicombq.warehouse;

import io.dicombq.bigquery.BigQueryViewSql;
import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dicombq.warehouse.TestRows.row;
import static io.dicombq.warehouse.TestRows.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewSqlTest {

    @TempDir
    Path dataDir;

    private DuckDbWarehouse warehouse;
    private final TableRef table = TableRef.parse("bq://local.dicom.ct scans-2024");

    @BeforeEach
    void open() throws Exception {
        warehouse = new DuckDbWarehouse(dataDir);
    }

    @AfterEach
    void close() throws Exception {
        warehouse.close();
    }

    private static MetadataRow event(String sop, String type, String lastUpdated, String note) {
        return event("1.2.3.4", sop, type, lastUpdated, note);
    }

    private static MetadataRow event(String series, String sop, String type, String lastUpdated, String note) {
        return with(row("1.2.3", series, sop, type, lastUpdated), Field.nullable("Note", Field.Type.STRING), note);
    }

    /** The shared history (ViewScenarios), which BigQuery's view is held to as well. */
    private void insertHistory() throws Exception {
        List<MetadataRow> rows = new ArrayList<>();
        for (ViewScenarios.Event e : ViewScenarios.EVENTS) {
            rows.add(event(e.series(), e.sop(), e.type(), e.lastUpdated(), e.note()));
        }
        warehouse.insert(table, rows);
    }

    private Set<String> shown(String sql) throws Exception {
        Set<String> shown = new HashSet<>();
        for (Map<String, Object> r : warehouse.query(sql)) {
            shown.add(r.get("SeriesInstanceUID") + "/" + r.get("SOPInstanceUID") + "/" + r.get("Note"));
        }
        return shown;
    }

    @Test
    void duckDbViewShowsTheLatestStateOfEveryInstanceThatIsNotDeleted() throws Exception {
        insertHistory();
        assertEquals(ViewScenarios.SHOWN, shown("SELECT * FROM local.dicom.\"ct scans-2024_view\""));
    }

    @Test
    void viewHasEveryTableColumnButNotTheRankAndFollowsNewColumns() throws Exception {
        insertHistory();
        List<String> tableColumns = columns("SELECT * FROM local.dicom.\"ct scans-2024\" LIMIT 1");
        assertEquals(tableColumns, columns("SELECT * FROM local.dicom.\"ct scans-2024_view\" LIMIT 1"));
        assertFalse(tableColumns.contains(ViewSql.RANK));

        // A later batch brings a new column and a new field inside a record: the view is replaced and shows both.
        MetadataRow r = event("7", "INSERT", "2024-01-02T00:00:00Z", "with body part");
        with(r, Field.nullable("BodyPartExamined", Field.Type.STRING), "HEAD");
        with(r, TestRows.pn("PatientName"), TestRows.pnValue("Doe", "John"));
        warehouse.insert(table, List.of(r));

        List<Map<String, Object>> rows = warehouse.query(
                "SELECT BodyPartExamined, PatientName.Alphabetic.FamilyName AS family "
                        + "FROM local.dicom.\"ct scans-2024_view\" WHERE SOPInstanceUID = '7'");
        assertEquals(List.of(Map.of("BodyPartExamined", "HEAD", "family", "Doe")), rows);
        assertEquals(columns("SELECT * FROM local.dicom.\"ct scans-2024\" LIMIT 1"),
                columns("SELECT * FROM local.dicom.\"ct scans-2024_view\" LIMIT 1"));
    }

    @Test
    void bigQuerysViewQueryRunInDuckDbGivesTheSameAnswer() throws Exception {
        insertHistory();
        String query = BigQueryViewSql.select(table);
        assertTrue(query.contains("FROM `local`.`dicom`.`ct scans-2024`"), query);

        // Only the dialect differs: backtick quoting and EXCEPT. Translated, DuckDB gives the same answer.
        String asDuckDb = query.replace('`', '"').replace("* EXCEPT (", "* EXCLUDE (");
        assertEquals(ViewScenarios.SHOWN, shown(asDuckDb));
    }

    @Test
    void ddlNamesTheViewAndQuotesEveryIdentifier() {
        TableRef odd = TableRef.parse("bq://example.com:my-proj.ds_1.table with-dash");
        String google = BigQueryViewSql.createOrReplace(odd);
        assertTrue(google.startsWith("CREATE OR REPLACE VIEW `example.com:my-proj`.`ds_1`.`table with-dash_view` AS\n"),
                google);
        String duck = ViewSql.duckDb(odd);
        assertTrue(duck.startsWith("CREATE OR REPLACE VIEW \"example.com:my-proj\".\"ds_1\".\"table with-dash_view\" AS\n"),
                duck);
        assertTrue(duck.contains("FROM \"ds_1\".\"table with-dash\""), duck);
        assertEquals("`a\\`b`", BigQueryViewSql.path("a`b"));
        assertEquals("\"a\"\"b\"", ViewSql.duckDbQuote("a\"b"));
    }

    private List<String> columns(String sql) throws Exception {
        List<Map<String, Object>> rows = warehouse.query(sql);
        return new ArrayList<>(rows.get(0).keySet());
    }
}
