package io.dicombq.row;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The columns every row carries besides the DICOM attributes (DESIGN.md section 4). */
public final class ServiceColumns {
    public static final String TYPE = "Type";
    public static final String LAST_UPDATED = "LastUpdated";
    public static final String BLOB_STORAGE_SIZE = "BlobStorageSize";
    public static final String STORAGE_CLASS = "StorageClass";
    public static final String SOURCE_DICOM_STORE = "SourceDicomStore";

    public static final String INSERT = "INSERT";
    public static final String DELETE = "DELETE";

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The fields every table has from its creation, so the view can always be defined. */
    public static final List<Field> FIELDS = List.of(
            Field.nullable("StudyInstanceUID", Field.Type.STRING),
            Field.nullable("SeriesInstanceUID", Field.Type.STRING),
            Field.nullable("SOPInstanceUID", Field.Type.STRING),
            Field.nullable(TYPE, Field.Type.STRING),
            Field.nullable(LAST_UPDATED, Field.Type.TIMESTAMP),
            Field.nullable(BLOB_STORAGE_SIZE, Field.Type.INTEGER),
            Field.nullable(STORAGE_CLASS, Field.Type.STRING));

    private ServiceColumns() {
    }

    /** UTC, microsecond precision, in the TIMESTAMP text form rows use. */
    public static String timestamp(Instant instant) {
        return MICROS.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /** Sets the service columns on a row (in place) and declares them in its schema. */
    public static MetadataRow apply(MetadataRow row, String type, Instant lastUpdated, Long blobStorageSize,
                                    String storageClass) {
        row.values().put(TYPE, type);
        row.values().put(LAST_UPDATED, timestamp(lastUpdated));
        if (blobStorageSize != null) {
            row.values().put(BLOB_STORAGE_SIZE, blobStorageSize);
        }
        if (storageClass != null) {
            row.values().put(STORAGE_CLASS, storageClass);
        }
        row.schema().addAll(FIELDS);
        return row;
    }

    /** Adds {@code SourceDicomStore} for destinations configured with includeSourceStore. */
    public static MetadataRow withSourceStore(MetadataRow row, String storeName) {
        MetadataRow copy = row.copy();
        copy.values().put(SOURCE_DICOM_STORE, storeName);
        copy.schema().add(Field.nullable(SOURCE_DICOM_STORE, Field.Type.STRING));
        return copy;
    }
}
