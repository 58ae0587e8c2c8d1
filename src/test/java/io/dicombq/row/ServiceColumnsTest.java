package io.dicombq.row;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ServiceColumnsTest {
    private static final DateTimeFormatter FORMATTER =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void writesTimestampsAsTheFormatterDoesAndReadsThemBack() {
        SplittableRandom random = new SplittableRandom(20261206);
        Instant min = Instant.parse("0001-01-01T00:00:00Z");
        Instant max = Instant.parse("9999-12-31T23:59:59.999999999Z");
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(min.getEpochSecond(), max.getEpochSecond() + 1),
                    random.nextInt(1_000_000_000));
            String text = ServiceColumns.timestamp(t);
            assertEquals(FORMATTER.format(t.truncatedTo(ChronoUnit.MICROS)), text);
            assertEquals(t.truncatedTo(ChronoUnit.MICROS), ServiceColumns.instant(text));
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "2024-02-29T23:59:59.999999Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"}) {
            Instant t = Instant.parse(edge);
            assertEquals(FORMATTER.format(t), ServiceColumns.timestamp(t));
            assertEquals(t, ServiceColumns.instant(ServiceColumns.timestamp(t)));
        }
        // outside 1-9999 the formatter writes it (year 0 as 0001: yyyy is the year of the era)
        for (String far : new String[] {"+12345-06-07T08:09:10.111213Z", "0000-06-19T15:24:30.301829Z",
                "-0044-03-15T12:00:00Z"}) {
            Instant t = Instant.parse(far);
            assertEquals(FORMATTER.format(t), ServiceColumns.timestamp(t));
        }
    }

    @Test
    void readsOtherIsoFormsAsInstantParseDoesAndRefusesWhatIsNotATimestamp() {
        assertEquals(Instant.parse("2026-12-06T09:42:38Z"), ServiceColumns.instant("2026-12-06T09:42:38Z"));
        assertEquals(Instant.parse("2026-12-06T09:42:38.5Z"), ServiceColumns.instant("2026-12-06T09:42:38.5Z"));
        assertEquals(Instant.parse("2026-12-06T09:42:38.123456789Z"),
                ServiceColumns.instant("2026-12-06T09:42:38.123456789Z"));
        // a leap second is not a LocalDateTime; Instant.parse folds it into the second before
        assertEquals(Instant.parse("2016-12-31T23:59:60.000000Z"), ServiceColumns.instant("2016-12-31T23:59:60.000000Z"));
        assertNull(ServiceColumns.instant("2026-02-30T00:00:00.000000Z"));
        assertNull(ServiceColumns.instant("2026-12-06T09:4x:38.123456Z"));
        assertNull(ServiceColumns.instant("2026-12-06 09:42:38.123456 UTC"));
        assertNull(ServiceColumns.instant(""));
    }
}
