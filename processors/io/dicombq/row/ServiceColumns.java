package io.dicombq.row;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
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

    /**
     * UTC, microsecond precision, in the TIMESTAMP text form rows use ({@code 2026-12-06T09:42:38.123456Z}).
     * Every row gets one, so years 1-9999 are written digit by digit (what the formatter gives, at a
     * tenth of its cost); other years go to the formatter (its {@code yyyy} is the year of the era).
     */
    public static String timestamp(Instant instant) {
        Instant t = instant.truncatedTo(ChronoUnit.MICROS);
        LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        if (utc.getYear() < 1 || utc.getYear() > 9999) {
            return MICROS.format(t);
        }
        char[] c = "0000-00-00T00:00:00.000000Z".toCharArray();
        digits(c, 0, 4, utc.getYear());
        digits(c, 5, 2, utc.getMonthValue());
        digits(c, 8, 2, utc.getDayOfMonth());
        digits(c, 11, 2, utc.getHour());
        digits(c, 14, 2, utc.getMinute());
        digits(c, 17, 2, utc.getSecond());
        digits(c, 20, 6, utc.getNano() / 1000);
        return new String(c);
    }

    /**
     * The instant of a {@code LastUpdated} value: the {@link #timestamp} form read field by field,
     * anything else as {@link Instant#parse} reads it; null when neither can.
     */
    public static Instant instant(String ts) {
        if (ts.length() == 27 && ts.charAt(4) == '-' && ts.charAt(7) == '-' && ts.charAt(10) == 'T'
                && ts.charAt(13) == ':' && ts.charAt(16) == ':' && ts.charAt(19) == '.' && ts.charAt(26) == 'Z') {
            int year = number(ts, 0, 4);
            int month = number(ts, 5, 2);
            int day = number(ts, 8, 2);
            int hour = number(ts, 11, 2);
            int minute = number(ts, 14, 2);
            int second = number(ts, 17, 2);
            int micros = number(ts, 20, 6);
            if ((year | month | day | hour | minute | second | micros) >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, micros * 1000)
                            .toInstant(ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    // no such date or time (a leap second, say): left to Instant.parse
                }
            }
        }
        try {
            return Instant.parse(ts);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static void digits(char[] c, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal number in {@code s[at, at + width)}, or -1 when a character is not a digit. */
    private static int number(String s, int at, int width) {
        int n = 0;
        for (int i = at; i < at + width; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            n = n * 10 + (ch - '0');
        }
        return n;
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
