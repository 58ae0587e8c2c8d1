package io.dicombq.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dicombq.InvalidDicomException;
import io.dicombq.store.DicomStore;
import io.dicombq.store.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceIntakeTest {
    @TempDir
    Path dir;

    @Test
    void storesTheInstanceWithItsInsertRowAndKeepsADroppedFileWhereItWas() throws Exception {
        Path source = Files.copy(Path.of("samples/ct.dcm"), dir.resolve("ct.dcm"));
        InstanceIntake intake = new InstanceIntake(new DicomStore(dir.resolve("store").toString()), 1_000_000);
        StoredInstance stored = intake.store(source, "folder", null, null, null);
        assertTrue(Files.exists(source), "the drop folder removes its own file once acknowledged");
        assertEquals(Files.size(source), Files.size(stored.file()));
        assertEquals("INSERT", stored.row().get("Type"));
        assertEquals("STANDARD", stored.row().get("StorageClass"));
        assertEquals(Files.size(source), stored.row().get("BlobStorageSize"));
        assertEquals("1.2.826.0.1.3680043.10.1453.1.1.1", stored.sop());
    }

    @Test
    void aRowOverTheLimitMovesItsLargestElementsToDroppedTagsAndStillStores() throws Exception {
        Path source = Files.copy(Path.of("samples/sr.dcm"), dir.resolve("sr.dcm"));
        long limit = 1_200;
        InstanceIntake intake = new InstanceIntake(new DicomStore(dir.resolve("store").toString()), limit);
        StoredInstance stored = intake.store(source, "stow", null, null, null);
        Map<String, Object> values = stored.row().values();
        assertTrue(new ObjectMapper().writeValueAsBytes(values).length <= limit);
        List<?> dropped = (List<?>) values.get("DroppedTags");
        assertTrue(dropped.contains(Map.of("TagName", "ContentSequence")), String.valueOf(dropped));
        assertFalse(values.containsKey("ContentSequence"));
        assertEquals("1.2.826.0.1.3680043.10.1453.3.1.1", values.get("SOPInstanceUID"));
    }

    @Test
    void anInstanceOfAnotherStudyThanExpectedIsRefused() throws Exception {
        Path source = Files.copy(Path.of("samples/mr.dcm"), dir.resolve("mr.dcm"));
        InstanceIntake intake = new InstanceIntake(new DicomStore(dir.resolve("store").toString()), 1_000_000);
        InvalidDicomException e = assertThrows(InvalidDicomException.class,
                () -> intake.store(source, "stow", null, "1.2.3", null));
        assertTrue(e.getMessage().startsWith("StudyInstanceUID mismatch"), e.getMessage());
    }
}
