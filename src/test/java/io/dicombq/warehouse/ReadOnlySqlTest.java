package io.dicombq.warehouse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadOnlySqlTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "  select * from local.dicom.instances_view",
            "-- newest first\nSELECT 1",
            "/* a; b */ WITH x AS (SELECT 1) SELECT * FROM x",
            "FROM local.dicom.instances LIMIT 3",
            "DESCRIBE local.dicom.instances",
            "SHOW TABLES",
            "SUMMARIZE local.dicom.instances",
            "EXPLAIN SELECT 1",
            "EXPLAIN ANALYZE SELECT 1",
            "(SELECT 1) UNION ALL (SELECT 2)",
            "SELECT 'a;b' AS \"x;y\";",
            "SELECT $$DROP TABLE t; x$$ AS s;  -- done",
            "VALUES (1), (2)",
    })
    void acceptsOneReadOnlyStatement(String sql) {
        String statement = ReadOnlySql.check(sql);
        assertTrue(sql.startsWith(statement), statement);
    }

    @Test
    void dropsTheTrailingSemicolon() {
        assertEquals("SELECT 1", ReadOnlySql.check("SELECT 1;\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO t VALUES (1)",
            "delete from local.dicom.instances",
            "DROP TABLE local.dicom.instances",
            "ATTACH 'x.duckdb' AS x",
            "COPY local.dicom.instances TO 'out.csv'",
            "CREATE TABLE t AS SELECT 1",
            "SET threads = 1",
            "PRAGMA version",
            "CALL pragma_version()",
            "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN UPDATE t SET a = 1",
            "SELECT 1; DROP TABLE local.dicom.instances",
            "SELECT 1; COMMIT",
            "SELECT ';' ; SELECT 2",
            "",
            "   -- only a comment",
    })
    void rejectsEverythingElse(String sql) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReadOnlySql.check(sql));
        assertTrue(e.getMessage().contains("read-only") || e.getMessage().contains("one statement")
                || e.getMessage().contains("empty"), e.getMessage());
    }
}
