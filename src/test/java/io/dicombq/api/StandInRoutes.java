package io.dicombq.api;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.dicombq.InvalidDicomException;
import io.dicombq.ops.Operation;
import io.dicombq.ops.Operations;
import io.dicombq.store.StoredInstance;
import io.dicombq.store.Uids;
import org.apache.camel.builder.RouteBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Test-only stand-ins for the lead's routes this API calls (direct:stream-instance,
 * direct:delete-instances, direct:import, direct:export), honouring the same contract:
 * a stored part becomes STORE/study/series/sop.dcm and answers a StoredInstance; a bad one throws
 * InvalidDicomException. Reads only up to the pixel data, as the real store must for huge instances.
 */
final class StandInRoutes extends RouteBuilder {
    private final Path storeDir;
    private final Operations operations;
    final List<String> importBodies = new CopyOnWriteArrayList<>();

    StandInRoutes(Path storeDir, Operations operations) {
        this.storeDir = storeDir;
        this.operations = operations;
    }

    @Override
    public void configure() {
        from("direct:stream-instance").routeId("stand-in-stream-instance").process(e -> {
            Path file = e.getMessage().getBody(Path.class);
            AttributeList list = new AttributeList();
            try {
                list.read(file.toFile(), TagFromName.PixelData);
            } catch (Exception notDicom) {
                throw new InvalidDicomException("not a DICOM file: " + notDicom.getMessage());
            }
            String study = Attr.get(list, TagFromName.StudyInstanceUID);
            String series = Attr.get(list, TagFromName.SeriesInstanceUID);
            String sop = Attr.get(list, TagFromName.SOPInstanceUID);
            String sopClass = Attr.get(list, TagFromName.SOPClassUID);
            for (String uid : new String[] {study, series, sop}) {
                if (!Uids.isValid(uid)) {
                    throw new InvalidDicomException("invalid UID '" + uid + "'");
                }
            }
            String expected = e.getMessage().getHeader("DicomExpectedStudy", String.class);
            if (expected != null && !expected.equals(study)) {
                throw new InvalidDicomException("StudyInstanceUID mismatch: " + study + " is not " + expected);
            }
            Path target = storeDir.resolve(study).resolve(series).resolve(sop + ".dcm");
            Files.createDirectories(target.getParent());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            e.getMessage().setBody(new StoredInstance(study, series, sop, sopClass, target, Files.size(target),
                    Instant.now(), "STANDARD", null));
        });

        from("direct:delete-instances").routeId("stand-in-delete-instances").process(e -> {
            String study = e.getMessage().getHeader("DicomStudy", String.class);
            String series = e.getMessage().getHeader("DicomSeries", String.class);
            String instance = e.getMessage().getHeader("DicomInstance", String.class);
            Path root = storeDir.resolve(study);
            if (series != null) {
                root = root.resolve(series);
            }
            int deleted = 0;
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        if (instance == null || f.getFileName().toString().equals(instance + ".dcm")) {
                            Files.delete(f);
                            deleted++;
                        }
                    }
                }
            }
            e.getMessage().setBody(deleted);
        });

        from("direct:import").routeId("stand-in-import").process(e -> {
            importBodies.add(e.getMessage().getBody(String.class));
            Operation op = operations.start("ImportInstances");
            op.finish(null);
            e.getMessage().setBody(op);
        });
    }

    /** PixelMed's null-safe single value. */
    static final class Attr {
        static String get(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
            return com.pixelmed.dicom.Attribute.getSingleStringValueOrNull(list, tag);
        }
    }

}
