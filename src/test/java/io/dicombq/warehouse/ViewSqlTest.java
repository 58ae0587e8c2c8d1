package io.dicombq.warehouse;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        return with(row("1.2.3", "1.2.3.4", sop, type, lastUpdated), Field.nullable("Note", Field.Type.STRING), note);
    }

    /** Events for several instances, in an order that does not follow time, covering every rule of the view. */
    private void insertHistory() throws Exception {
        warehouse.insert(table, List.of(
                // newest wins, whatever the insertion order
                event("1", "INSERT", "2024-01-01T00:00:02Z", "newer"),
                event("1", "INSERT", "2024-01-01T00:00:01Z", "older"),
                // a NULL LastUpdated (written before the column existed) is the oldest
                event("2", "INSERT", "2024-01-01T00:00:01Z", "dated"),
                event("2", "INSERT", null, "undated"),
                // a DELETE wins a tie: the instance is gone
                event("3", "INSERT", "2024-01-01T00:00:05Z", "tied insert"),
                event("3", "DELETE", "2024-01-01T00:00:05Z", "tied delete"),
                // deleted later: gone
                event("4", "INSERT", "2024-01-01T00:00:01Z", "deleted later"),
                event("4", "DELETE", "2024-01-01T00:00:09Z", "the delete"),
                // stored again after a delete: back
                event("5", "DELETE", "2024-01-01T00:00:01Z", "early delete"),
                event("5", "INSERT", "2024-01-01T00:00:02Z", "stored again"),
                // only an undated row: shown
                event("6", "INSERT", null, "only undated")));
    }

    private Map<String, String> notesBySop(String sql) throws Exception {
        Map<String, String> notes = new LinkedHashMap<>();
        for (Map<String, Object> r : warehouse.query(sql)) {
            notes.put((String) r.get("SOPInstanceUID"), (String) r.get("Note"));
        }
        return notes;
    }

    @Test
    void duckDbViewShowsTheLatestStateOfEveryInstanceThatIsNotDeleted() throws Exception {
        insertHistory();

        Map<String, String> notes = notesBySop("SELECT * FROM local.dicom.\"ct scans-2024_view\" ORDER BY SOPInstanceUID");

        assertEquals(Map.of("1", "newer", "2", "dated", "5", "stored again", "6", "only undated"), notes);
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
    void googleSqlHasTheSameMeaning() throws Exception {
        insertHistory();
        String query = ViewSql.googleSqlQuery(table);
        assertTrue(query.contains("FROM `local`.`dicom`.`ct scans-2024`"), query);
        assertTrue(query.contains("* EXCEPT (`" + ViewSql.RANK + "`)"), query);

        // Only the dialect differs: backtick quoting and EXCEPT. Translated, DuckDB gives the same answer.
        String asDuckDb = query.replace('`', '"').replace("* EXCEPT (", "* EXCLUDE (");
        assertEquals(notesBySop("SELECT * FROM local.dicom.\"ct scans-2024_view\" ORDER BY SOPInstanceUID"),
                notesBySop("SELECT * FROM (" + asDuckDb + ") ORDER BY SOPInstanceUID"));
    }

    @Test
    void ddlNamesTheViewAndQuotesEveryIdentifier() {
        TableRef odd = TableRef.parse("bq://example.com:my-proj.ds_1.table with-dash");
        String google = ViewSql.googleSql(odd);
        assertTrue(google.startsWith("CREATE OR REPLACE VIEW `example.com:my-proj`.`ds_1`.`table with-dash_view` AS\n"),
                google);
        String duck = ViewSql.duckDb(odd);
        assertTrue(duck.startsWith("CREATE OR REPLACE VIEW \"example.com:my-proj\".\"ds_1\".\"table with-dash_view\" AS\n"),
                duck);
        assertTrue(duck.contains("FROM \"ds_1\".\"table with-dash\""), duck);
        assertEquals("`a\\`b`", ViewSql.googleSqlQuote("a`b"));
        assertEquals("\"a\"\"b\"", ViewSql.duckDbQuote("a\"b"));
    }

    private List<String> columns(String sql) throws Exception {
        List<Map<String, Object>> rows = warehouse.query(sql);
        return new ArrayList<>(rows.get(0).keySet());
    }
}
