package io.dicombq.e2e;

import io.dicombq.testing.TestDirs;
import io.dicombq.ops.Operation;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.dicombq.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Manual export from the store into another table, with each write disposition. */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/export/inbox",
        "dicom.store.dir=target/it/export/store",
        "dicom.data=target/it/export/data",
        "dicom.http.port=18182"})
class ExportEndToEndTest {
    static final Path ROOT = Path.of("target/it/export");

    static {
        TestDirs.deleteRecursively(ROOT);
    }

    @BeanInject
    CamelContext context;

    @Test
    void exportWritesOneInsertRowPerStoredInstanceWithItsStoredTime() throws Exception {
        Warehouse warehouse = context.getRegistry().lookupByNameAndType("warehouse", Warehouse.class);
        Files.createDirectories(ROOT.resolve("inbox"));
        for (String s : List.of("ct", "mr", "sr")) {
            Files.copy(Path.of("samples", s + ".dcm"), ROOT.resolve("inbox/" + s + ".dcm"));
        }
        until(() -> count(warehouse, "local.dicom.instances") == 3);

        // WRITE_EMPTY on a new (empty) table succeeds
        Operation first = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://local.exports.rebuilt\"}}");
        assertNull(first.toJson().get("error"), () -> first.toJson().toString());
        assertEquals(3, first.success());
        assertEquals(3, count(warehouse, "local.exports.rebuilt"));
        // LastUpdated is when each instance was stored: the same as the streamed INSERT rows
        List<Map<String, Object>> same = warehouse.query("SELECT count(*) AS n FROM local.exports.rebuilt e "
                + "JOIN local.dicom.instances i USING (SOPInstanceUID) WHERE e.LastUpdated = i.LastUpdated "
                + "AND e.Type = 'INSERT'");
        assertEquals(3L, ((Number) same.get(0).get("n")).longValue());

        // WRITE_EMPTY (force=false) on a table with rows fails and writes nothing
        Operation refused = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://local.exports.rebuilt\","
                + "\"force\":false}}");
        assertTrue(String.valueOf(refused.toJson().get("error")).contains("WRITE_EMPTY"));
        assertEquals(3, count(warehouse, "local.exports.rebuilt"));

        // WRITE_APPEND appends; force=true (WRITE_TRUNCATE) starts over
        export("{\"bigqueryDestination\":{\"tableUri\":\"bq://local.exports.rebuilt\","
                + "\"writeDisposition\":\"WRITE_APPEND\"}}");
        assertEquals(6, count(warehouse, "local.exports.rebuilt"));
        assertEquals(3, count(warehouse, "local.exports.rebuilt_view"));
        Operation truncate = export("{\"bigqueryDestination\":{\"tableUri\":\"bq://local.exports.rebuilt\","
                + "\"force\":true}}");
        assertEquals(3, truncate.success());
        assertEquals(3, count(warehouse, "local.exports.rebuilt"));
    }

    private Operation export(String body) throws Exception {
        Operation op = context.createProducerTemplate().requestBody("direct:export", body, Operation.class);
        until(op::isDone);
        return op;
    }

    private static long count(Warehouse warehouse, String table) throws Exception {
        return ((Number) warehouse.query("SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }
}
