package io.dicombq.warehouse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns what the DuckDB driver hands back (STRUCT, LIST, java.time and java.sql values) into
 * the JSON-ready values rows use elsewhere: Map, List, String, Long, Double, Boolean, with
 * DATE {@code yyyy-MM-dd}, TIME {@code HH:mm:ss[.ffffff]} and TIMESTAMP
 * {@code yyyy-MM-ddTHH:mm:ss.ffffffZ}. Plain TIMESTAMP columns are read as UTC, which is what
 * this project stores in them.
 */
final class JdbcValues {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter TIME_MICROS = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private JdbcValues() {
    }

    /** The current row as an ordered map of JSON-ready values. */
    static Map<String, Object> row(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        int n = meta.getColumnCount();
        Map<String, Object> row = new LinkedHashMap<>(n * 2);
        for (int i = 1; i <= n; i++) {
            row.put(meta.getColumnLabel(i), convert(rs.getObject(i)));
        }
        return row;
    }

    static Object convert(Object v) throws SQLException {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal || v instanceof BigInteger) {
            return v; // Jackson writes them as exact JSON numbers
        }
        if (v instanceof Struct struct) {
            return struct(struct);
        }
        if (v instanceof Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(convert(item));
            }
            return list;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), convert(e.getValue()));
            }
            return out;
        }
        if (v instanceof OffsetDateTime odt) {
            return TIMESTAMP.format(odt.toInstant());
        }
        if (v instanceof ZonedDateTime zdt) {
            return TIMESTAMP.format(zdt.toInstant());
        }
        if (v instanceof Instant instant) {
            return TIMESTAMP.format(instant);
        }
        if (v instanceof Timestamp ts) {
            return TIMESTAMP.format(ts.toLocalDateTime().toInstant(ZoneOffset.UTC));
        }
        if (v instanceof LocalDateTime ldt) {
            return TIMESTAMP.format(ldt.toInstant(ZoneOffset.UTC));
        }
        if (v instanceof LocalDate date) {
            return date.toString();
        }
        if (v instanceof java.sql.Date date) {
            return date.toLocalDate().toString();
        }
        if (v instanceof LocalTime time) {
            return time(time);
        }
        if (v instanceof java.sql.Time time) {
            return time(time.toLocalTime());
        }
        if (v instanceof OffsetTime time) {
            return time(time.withOffsetSameInstant(ZoneOffset.UTC).toLocalTime());
        }
        if (v instanceof UUID uuid) {
            return uuid.toString();
        }
        if (v instanceof Blob blob) {
            return Base64.getEncoder().encodeToString(blob.getBytes(1, (int) blob.length()));
        }
        if (v instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return v.toString(); // INTERVAL, ENUM, BIT, ...: their text form
    }

    private static Map<String, Object> struct(Struct struct) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        if (struct instanceof org.duckdb.DuckDBStruct duck) {
            for (Map.Entry<String, Object> e : duck.getMap().entrySet()) {
                out.put(e.getKey(), convert(e.getValue()));
            }
            return out;
        }
        Object[] attrs = struct.getAttributes();
        for (int i = 0; i < attrs.length; i++) {
            out.put("f" + i, convert(attrs[i]));
        }
        return out;
    }

    private static String time(LocalTime t) {
        return t.getNano() / 1000 == 0 ? TIME_SECONDS.format(t) : TIME_MICROS.format(t);
    }
}
