package io.dicombq.warehouse;

import java.util.List;
import java.util.Set;

/**
 * One history of events covering every rule of {@code TABLE_view} (DESIGN.md section 4), and
 * what the view must show for it. Both views run it: DuckDB's in {@code ViewSqlTest}, and
 * BigQuery's GoogleSQL in ZetaSQL's reference evaluator ({@code BigQueryViewSqlZetaSqlTest}),
 * so the two warehouses are held to the same answer.
 */
public final class ViewScenarios {

    public static final String SERIES = "1.2.3.4";
    static final String T1 = "2024-05-01T10:00:00Z";
    static final String T2 = "2024-05-01T11:00:00.000001Z";

    /** One row of the table: {@code note} tells the rows of an instance apart. Null type/time = column missing. */
    public record Event(String series, String sop, String type, String lastUpdated, String note) {
    }

    /** In an order that does not follow time. */
    public static final List<Event> EVENTS = List.of(
            // A: updated later -> the newer row, whatever the insertion order
            new Event(SERIES, "A", "INSERT", T2, "new"), new Event(SERIES, "A", "INSERT", T1, "old"),
            // B: deleted later -> gone
            new Event(SERIES, "B", "INSERT", T1, "x"), new Event(SERIES, "B", "DELETE", T2, "x"),
            // C, C2: INSERT and DELETE at the same time -> the DELETE wins, in either order -> gone
            new Event(SERIES, "C", "INSERT", T2, "x"), new Event(SERIES, "C", "DELETE", T2, "x"),
            new Event(SERIES, "C2", "DELETE", T2, "x"), new Event(SERIES, "C2", "INSERT", T2, "x"),
            // D: stored again after a delete -> back
            new Event(SERIES, "D", "DELETE", T1, "x"), new Event(SERIES, "D", "INSERT", T2, "again"),
            // E: a legacy row from before Type/LastUpdated -> shown
            new Event(SERIES, "E", null, null, "legacy"),
            // F: NULL LastUpdated is the oldest
            new Event(SERIES, "F", "INSERT", null, "null-time"), new Event(SERIES, "F", "INSERT", T1, "timed"),
            // G: a DELETE without time does not hide a timed INSERT
            new Event(SERIES, "G", "DELETE", null, "x"), new Event(SERIES, "G", "INSERT", T1, "kept"),
            // H: the same SOP UID in another series is another instance
            new Event("9.9", "A", "INSERT", T1, "other-series"));

    /** What the view shows, as {@code series/sop/note}. */
    public static final Set<String> SHOWN = Set.of("1.2.3.4/A/new", "1.2.3.4/D/again", "1.2.3.4/E/legacy",
            "1.2.3.4/F/timed", "1.2.3.4/G/kept", "9.9/A/other-series");

    private ViewScenarios() {
    }
}
