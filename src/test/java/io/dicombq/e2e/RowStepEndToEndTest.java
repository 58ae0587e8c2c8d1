package io.dicombq.e2e;

import io.dicombq.row.MetadataRow;
import io.dicombq.testing.TestDirs;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.test.main.junit5.AdviceRouteMapping;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static io.dicombq.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the README's "Adding a route of your own" promises: a step between the store and
 * {@code direct:fan-out} (woven in here as a user would add it to routes/stream.camel.yaml) may
 * change the row's values in place, at any depth, and every destination gets the row as it then is.
 */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/row-step/inbox",
        "dicom.store.dir=target/it/row-step/store",
        "dicom.data=target/it/row-step/data",
        "dicom.http.port=18198",
        "dicom.stream-configs=bq://local.dicom.instances,bq://local.dicom.research"},
        advices = @AdviceRouteMapping(route = "stream-instance", advice = RowStepEndToEndTest.BlankFamilyName.class))
class RowStepEndToEndTest {
    static final Path ROOT = Path.of("target/it/row-step");

    static {
        TestDirs.deleteRecursively(ROOT);
    }

    /** Blanks {@code PatientName.Alphabetic.FamilyName} inside the row's own nested maps, and adds a column. */
    public static final class BlankFamilyName extends AdviceWithRouteBuilder {
        @Override
        @SuppressWarnings("unchecked")
        public void configure() {
            weaveByToUri("direct:fan-out").before().process(exchange -> {
                MetadataRow row = exchange.getMessage().getBody(MetadataRow.class);
                Map<String, Object> name = (Map<String, Object>) row.get("PatientName");
                ((Map<String, Object>) name.get("Alphabetic")).put("FamilyName", "ANONYMOUS");
                row.values().put("PatientID", "anon-" + row.get("SOPInstanceUID").toString().hashCode());
            });
        }
    }

    @org.apache.camel.BeanInject
    CamelContext context;

    @Test
    void aStepThatChangesTheRowInPlaceReachesEveryDestination() throws Exception {
        Path inbox = ROOT.resolve("inbox");
        Files.createDirectories(inbox);
        Path staged = ROOT.resolve("ct.dcm");
        Files.copy(Path.of("samples/ct.dcm"), staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, inbox.resolve("ct.dcm"), StandardCopyOption.ATOMIC_MOVE);

        Warehouse warehouse = context.getRegistry().lookupByNameAndType("warehouse", Warehouse.class);
        for (String table : List.of("local.dicom.instances", "local.dicom.research")) {
            until(() -> count(warehouse, table) == 1);
            List<Map<String, Object>> rows = warehouse.query("SELECT PatientName.Alphabetic.FamilyName AS family,"
                    + " PatientName.Alphabetic.GivenName AS given, PatientID FROM " + table + "_view");
            String sop = "1.2.826.0.1.3680043.10.1453.1.1.1";
            assertEquals(List.of(Map.of("family", "ANONYMOUS", "given", "Jean", "PatientID", "anon-" + sop.hashCode())),
                    rows, table);
        }
    }

    private static long count(Warehouse warehouse, String table) throws Exception {
        return ((Number) warehouse.query("SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
    }
}
