package io.dicombq.gcs;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import static io.dicombq.gcs.GcsTestObjects.TABLE;
import static io.dicombq.gcs.GcsTestObjects.get;
import static io.dicombq.gcs.GcsTestObjects.instance;
import static io.dicombq.gcs.GcsTestObjects.put;
import static io.dicombq.gcs.GcsTestObjects.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.Test;

/** {@code dicom.gcs.processed=delete}: a streamed object is deleted from the bucket, nothing is kept there. */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/gcs-delete/inbox",
        "dicom.store.dir=target/it/gcs-delete/store",
        "dicom.data=target/it/gcs-delete/data",
        "camel.server.port=18193",
        "camel.management.port=18193",
        "dicom.gcs.bucket=drop",
        "dicom.gcs.processed=delete",
        "dicom.gcs.poll-delay=50"})
class GcsProcessedDeleteTest {
    static final PagingStorage BUCKETS = new PagingStorage();
    static final String SOP = "1.2.826.0.1.3680043.10.1234.5.";

    static {
        TestDirs.deleteRecursively(Path.of("target/it/gcs-delete"));
    }

    @ReplaceInRegistry
    Storage gcsStorage = BUCKETS.storage;

    @org.apache.camel.BeanInject
    CamelContext context;

    @Test
    void streamedObjectsAreDeletedAndBadOnesStillKept() throws Exception {
        byte[] content = instance(SOP + "1");
        put(BUCKETS.storage, "drop", "incoming/x/ct.dcm", content, StorageClass.COLDLINE);
        put(BUCKETS.storage, "drop", "incoming/x/readme.txt", "not dicom".getBytes(StandardCharsets.UTF_8), null);

        Await.until(() -> rows(context, TABLE, List.of(SOP + "1")).size() == 1
                && get(BUCKETS.storage, "drop", "incoming/x/ct.dcm") == null
                && get(BUCKETS.storage, "drop", "failed/x/readme.txt") != null
                && get(BUCKETS.storage, "drop", "incoming/x/readme.txt") == null);

        Map<String, Object> row = rows(context, TABLE + "_view", List.of(SOP + "1")).get(0);
        assertEquals("COLDLINE", row.get("StorageClass"));
        assertEquals(content.length, ((Number) row.get("BlobStorageSize")).longValue());
        // deleted, not moved: the bucket holds only the rejected object and its reason
        List<String> left = new ArrayList<>();
        for (Blob blob : BUCKETS.storage.list("drop").iterateAll()) {
            left.add(blob.getName());
        }
        left.sort(null);
        assertEquals(List.of("failed/x/readme.txt", "failed/x/readme.txt.reason.txt"), left);
        assertNotNull(get(BUCKETS.storage, "drop", "failed/x/readme.txt.reason.txt"));
    }
}
