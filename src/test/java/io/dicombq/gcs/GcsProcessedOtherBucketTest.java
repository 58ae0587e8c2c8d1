package io.dicombq.gcs;

import io.dicombq.testing.TestDirs;
import io.dicombq.testing.Await;
import static io.dicombq.gcs.GcsTestObjects.TABLE;
import static io.dicombq.gcs.GcsTestObjects.get;
import static io.dicombq.gcs.GcsTestObjects.instance;
import static io.dicombq.gcs.GcsTestObjects.put;
import static io.dicombq.gcs.GcsTestObjects.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.storage.Storage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.ReplaceInRegistry;
import org.junit.jupiter.api.Test;

/**
 * {@code dicom.gcs.processed=gs://other-bucket/prefix/}: streamed objects move to another bucket, keeping
 * their path below the watched prefix. Here the whole watched bucket is the inbox (empty prefix).
 */
@CamelMainTest(properties = {
        "dicom.inbox=target/it/gcs-other-bucket/inbox",
        "dicom.store.dir=target/it/gcs-other-bucket/store",
        "dicom.data=target/it/gcs-other-bucket/data",
        "camel.server.port=18194",
        "camel.management.port=18194",
        "dicom.gcs.bucket=landing",
        "dicom.gcs.prefix=",
        "dicom.gcs.processed=gs://archive-bucket/done/2024/",
        "dicom.gcs.poll-delay=50"})
class GcsProcessedOtherBucketTest {
    static final PagingStorage BUCKETS = new PagingStorage();
    static final String SOP = "1.2.826.0.1.3680043.10.1234.6.";

    static {
        TestDirs.deleteRecursively(Path.of("target/it/gcs-other-bucket"));
    }

    @ReplaceInRegistry
    Storage gcsStorage = BUCKETS.storage;

    @org.apache.camel.BeanInject
    CamelContext context;

    @Test
    void streamedObjectsMoveToTheOtherBucket() throws Exception {
        byte[] content = instance(SOP + "1");
        put(BUCKETS.storage, "landing", "site-a/ct.dcm", content, null);

        Await.until(() -> rows(context, TABLE, List.of(SOP + "1")).size() == 1
                && get(BUCKETS.storage, "archive-bucket", "done/2024/site-a/ct.dcm") != null
                && get(BUCKETS.storage, "landing", "site-a/ct.dcm") == null);

        assertArrayEquals(content, get(BUCKETS.storage, "archive-bucket", "done/2024/site-a/ct.dcm").getContent());
        assertNull(get(BUCKETS.storage, "landing", "done/2024/site-a/ct.dcm"), "nothing kept in the watched bucket");
        Map<String, Object> row = rows(context, TABLE + "_view", List.of(SOP + "1")).get(0);
        assertEquals("STANDARD", row.get("StorageClass"));
        assertEquals(content.length, ((Number) row.get("BlobStorageSize")).longValue());
    }
}
