package io.dicombq.gcs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageClass;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import io.dicombq.warehouse.Warehouse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;

/** Real DICOM objects in a test bucket, and the rows they became in the embedded warehouse. */
final class GcsTestObjects {
    static final String TABLE = "local.dicom.instances";
    static final String STUDY = "1.2.826.0.1.3680043.10.1234.1";

    private GcsTestObjects() {
    }

    /** The CT test instance (src/test/resources/gcs/ct1.dcm) as a distinct instance with this SOP Instance UID. */
    static byte[] instance(String sopInstanceUid) {
        try (InputStream in = GcsTestObjects.class.getResourceAsStream("/gcs/ct1.dcm")) {
            AttributeList list = new AttributeList();
            list.read(new DicomInputStream(new ByteArrayInputStream(in.readAllBytes())));
            list.replaceWithValueIfPresent(TagFromName.SOPInstanceUID, sopInstanceUid);
            list.replaceWithValueIfPresent(TagFromName.MediaStorageSOPInstanceUID, sopInstanceUid);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write test instance " + sopInstanceUid, e);
        }
    }

    static void put(Storage storage, String bucket, String name, byte[] content, StorageClass storageClass) {
        BlobInfo.Builder info = BlobInfo.newBuilder(BlobId.of(bucket, name));
        if (storageClass != null) {
            info.setStorageClass(storageClass);
        }
        storage.create(info.build(), content);
    }

    static Blob get(Storage storage, String bucket, String name) {
        return storage.get(BlobId.of(bucket, name));
    }

    static Warehouse warehouse(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("warehouse", Warehouse.class);
    }

    /** Rows of the table for these instances, by SOPInstanceUID; the table may not exist yet. */
    static List<Map<String, Object>> rows(CamelContext context, String from, List<String> sopUids) throws Exception {
        String in = sopUids.stream().map(u -> "'" + u + "'").collect(Collectors.joining(","));
        return warehouse(context).query("SELECT SOPInstanceUID, Type, StorageClass, BlobStorageSize,"
                + " PatientName.Alphabetic.FamilyName AS family FROM " + from
                + " WHERE SOPInstanceUID IN (" + in + ") ORDER BY SOPInstanceUID");
    }

}
