package io.dicombq.e2e;

import io.dicombq.testing.TestDirs;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static io.dicombq.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole bundle as `make run` starts it (routes and application.properties from the classpath),
 * on the embedded warehouse: samples dropped into the inbox become rows and view entries.
 */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/drop-folder/inbox",
        "dicom.store.dir=target/it/drop-folder/store",
        "dicom.data=target/it/drop-folder/data",
        "dicom.http.port=18181",
        "dicom.retry.initial-delay-ms=50"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one bundle for the whole story, as a user runs it
class DropFolderEndToEndTest {
    static final Path ROOT = Path.of("target/it/drop-folder");
    static final Path INBOX = ROOT.resolve("inbox");
    static final String TABLE = "local.dicom.instances";

    static {
        TestDirs.deleteRecursively(ROOT);
    }

    @org.apache.camel.BeanInject
    CamelContext context;

    Warehouse warehouse() {
        return context.getRegistry().lookupByNameAndType("warehouse", Warehouse.class);
    }

    @Test
    @Order(1)
    void droppedSamplesBecomeRowsAndViewEntries() throws Exception {
        Files.createDirectories(INBOX.resolve("study-a"));
        drop("ct.dcm", "study-a/ct.dcm");
        drop("mr.dcm", "mr.dcm");
        drop("sr.dcm", "sr.dcm");

        until(() -> count("SELECT count(*) AS n FROM " + TABLE) == 3 && inboxFiles().isEmpty());

        List<Map<String, Object>> view = warehouse().query(
                "SELECT SOPInstanceUID, Modality, Type, StorageClass, BlobStorageSize, PatientName.Alphabetic.FamilyName AS family"
                        + " FROM " + TABLE + "_view ORDER BY SOPInstanceUID");
        assertEquals(3, view.size());
        Map<String, Object> ct = view.get(0);
        assertEquals("1.2.826.0.1.3680043.10.1453.1.1.1", ct.get("SOPInstanceUID"));
        assertEquals("CT", ct.get("Modality"));
        assertEquals("INSERT", ct.get("Type"));
        assertEquals("STANDARD", ct.get("StorageClass"));
        assertEquals(Files.size(Path.of("samples/ct.dcm")), ((Number) ct.get("BlobStorageSize")).longValue());
        assertEquals("Dupont", ct.get("family"));
        assertEquals("Müller", view.get(1).get("family"));

        // the structured report's content tree arrives as nested repeated records
        List<Map<String, Object>> sr = warehouse().query("SELECT ContentSequence[2].MeasuredValueSequence[1]"
                + ".MeasurementUnitsCodeSequence[1].CodeValue AS unit FROM " + TABLE
                + " WHERE Modality = 'SR'");
        assertEquals("mm", sr.get(0).get("unit"));

        // the instances are in the store
        assertTrue(Files.exists(ROOT.resolve("store/studies/1.2.826.0.1.3680043.10.1453.1/series/"
                + "1.2.826.0.1.3680043.10.1453.1.1/instances/1.2.826.0.1.3680043.10.1453.1.1.1.dcm")));
    }

    @Test
    @Order(2)
    void aFileThatIsNotDicomGoesToTheFailedFolderWithItsReason() throws Exception {
        Files.writeString(INBOX.resolve("notes.txt"), "this is not a DICOM file\n", StandardCharsets.UTF_8);
        Path failed = INBOX.resolve(".failed/notes.txt");
        Path reason = INBOX.resolve(".failed/notes.txt.reason.txt");
        until(() -> Files.exists(reason) && !Files.exists(INBOX.resolve("notes.txt")));
        assertEquals("this is not a DICOM file\n", Files.readString(failed));
        String why = Files.readString(reason);
        assertTrue(why.contains("reason:"), why);
        assertFalse(why.isBlank());
        assertEquals(3, count("SELECT count(*) AS n FROM " + TABLE));
    }

    @Test
    @Order(3)
    void aDuplicateAddsARowButTheViewKeepsOnePerInstance() throws Exception {
        drop("ct.dcm", "ct-again.dcm");
        until(() -> count("SELECT count(*) AS n FROM " + TABLE) == 4 && inboxFiles().isEmpty());
        assertEquals(3, count("SELECT count(*) AS n FROM " + TABLE + "_view"));
    }

    @Test
    @Order(4)
    void deletingAStudyAppendsDeleteRowsAndHidesItFromTheView() throws Exception {
        ProducerTemplate template = context.createProducerTemplate();
        Object deleted = template.requestBodyAndHeaders("direct:delete-instances", null,
                Map.of("DicomStudy", "1.2.826.0.1.3680043.10.1453.1"));
        assertEquals(1, ((Number) deleted).intValue());
        List<Map<String, Object>> rows = warehouse().query("SELECT Type, Modality, PatientID FROM " + TABLE
                + " WHERE Type = 'DELETE'");
        assertEquals(1, rows.size());
        // the DELETE row carries the instance's last stored metadata
        assertEquals("CT", rows.get(0).get("Modality"));
        assertEquals("PID-0001", rows.get(0).get("PatientID"));
        assertEquals(2, count("SELECT count(*) AS n FROM " + TABLE + "_view"));
        assertEquals(0, count("SELECT count(*) AS n FROM " + TABLE + "_view WHERE Modality = 'CT'"));
        Object again = template.requestBodyAndHeaders("direct:delete-instances", null,
                Map.of("DicomStudy", "1.2.826.0.1.3680043.10.1453.1"));
        assertEquals(0, ((Number) again).intValue());
    }

    private long count(String sql) throws Exception {
        return ((Number) warehouse().query(sql).get(0).get("n")).longValue();
    }

    private static void drop(String sample, String as) throws IOException {
        Path target = INBOX.resolve(as);
        Path tmp = INBOX.resolve("." + target.getFileName() + ".tmp");
        Files.copy(Path.of("samples").resolve(sample), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Path> inboxFiles() {
        return io.dicombq.testing.Inbox.pending(INBOX);
    }
}
