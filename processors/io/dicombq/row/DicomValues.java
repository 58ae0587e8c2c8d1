package io.dicombq.row;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Conversions of DICOM DA, TM and DT strings to the text forms rows use (DATE {@code yyyy-MM-dd},
 * TIME {@code HH:mm:ss[.ffffff]}, TIMESTAMP {@code yyyy-MM-ddTHH:mm:ss[.ffffff]Z}). Partial values
 * are completed with the lowest missing parts; the retired {@code YYYY.MM.DD} and {@code HH:MM:SS}
 * forms are accepted. A value that cannot be converted gives null, and the caller keeps the
 * element as strings instead. Hand-written (no regex, no DateTimeFormatter) because it runs for
 * every date and time of every instance.
 */
public final class DicomValues {

    private DicomValues() {
    }

    /** DA to {@code yyyy-MM-dd}, or null. */
    public static String date(String v) {
        String s = v.indexOf('.') >= 0 ? stripDots(v) : v;
        int n = s.length();
        if (n != 4 && n != 6 && n != 8 || !digits(s, 0, n)) {
            return null;
        }
        int y = num(s, 0, 4);
        int m = n >= 6 ? num(s, 4, 2) : 1;
        int d = n >= 8 ? num(s, 6, 2) : 1;
        try {
            LocalDate date = LocalDate.of(y, m, d);
            return date.toString();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** TM to {@code HH:mm:ss[.ffffff]}, or null. */
    public static String time(String v) {
        String s = v.indexOf(':') >= 0 ? v.replace(":", "") : v;
        int dot = s.indexOf('.');
        String main = dot < 0 ? s : s.substring(0, dot);
        int n = main.length();
        if (n != 2 && n != 4 && n != 6 || !digits(main, 0, n)) {
            return null;
        }
        int h = num(main, 0, 2);
        int mi = n >= 4 ? num(main, 2, 2) : 0;
        int sec = n >= 6 ? num(main, 4, 2) : 0;
        if (h > 23 || mi > 59 || sec > 59) {
            return null;
        }
        String frac = "";
        if (dot >= 0) {
            if (n != 6) {
                return null;
            }
            frac = fraction(s.substring(dot + 1));
            if (frac == null) {
                return null;
            }
        }
        return two(h) + ":" + two(mi) + ":" + two(sec) + frac;
    }

    /**
     * DT to a UTC TIMESTAMP. The offset is the value's own {@code &ZZXX}, else
     * {@code defaultOffset} (from Timezone Offset From UTC), else UTC.
     */
    public static String timestamp(String v, String defaultOffset) {
        String s = v;
        String offset = null;
        int sign = Math.max(s.indexOf('+', 1), s.indexOf('-', 1));
        if (sign > 0) {
            offset = s.substring(sign);
            s = s.substring(0, sign);
        } else if (defaultOffset != null && !defaultOffset.isEmpty()) {
            offset = defaultOffset;
        }
        int dot = s.indexOf('.');
        String main = dot < 0 ? s : s.substring(0, dot);
        int n = main.length();
        if (n < 4 || n > 14 || (n & 1) == 1 || !digits(main, 0, n)) {
            return null;
        }
        String frac = "";
        if (dot >= 0) {
            if (n != 14) {
                return null;
            }
            frac = fraction(s.substring(dot + 1));
            if (frac == null) {
                return null;
            }
        }
        ZoneOffset zone = ZoneOffset.UTC;
        if (offset != null) {
            zone = offset(offset);
            if (zone == null) {
                return null;
            }
        }
        try {
            LocalDateTime t = LocalDateTime.of(num(main, 0, 4), n >= 6 ? num(main, 4, 2) : 1,
                    n >= 8 ? num(main, 6, 2) : 1, n >= 10 ? num(main, 8, 2) : 0,
                    n >= 12 ? num(main, 10, 2) : 0, n >= 14 ? num(main, 12, 2) : 0);
            LocalDateTime utc = t.atOffset(zone).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            return utc.toLocalDate() + "T" + two(utc.getHour()) + ":" + two(utc.getMinute()) + ":"
                    + two(utc.getSecond()) + frac + "Z";
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** {@code +HHMM} / {@code -HHMM} to an offset, or null. */
    static ZoneOffset offset(String o) {
        if (o.length() != 5 || (o.charAt(0) != '+' && o.charAt(0) != '-') || !digits(o, 1, 4)) {
            return null;
        }
        int h = num(o, 1, 2);
        int m = num(o, 3, 2);
        try {
            return o.charAt(0) == '-' ? ZoneOffset.ofHoursMinutes(-h, -m) : ZoneOffset.ofHoursMinutes(h, m);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** 1 to 6 digits after the dot, padded to microseconds. */
    private static String fraction(String f) {
        if (f.isEmpty() || f.length() > 6 || !digits(f, 0, f.length())) {
            return null;
        }
        return "." + f + "000000".substring(f.length());
    }

    private static String stripDots(String v) {
        // retired form YYYY.MM.DD only: exactly two dots at 4 and 7
        if (v.length() == 10 && v.charAt(4) == '.' && v.charAt(7) == '.') {
            return v.substring(0, 4) + v.substring(5, 7) + v.substring(8);
        }
        return v;
    }

    private static boolean digits(String s, int from, int len) {
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int num(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
