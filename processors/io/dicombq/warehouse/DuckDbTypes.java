package io.dicombq.warehouse;

import io.dicombq.row.Field;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Translates BigQuery-shaped {@link Field}s to DuckDB column types and back.
 *
 * <p>TIMESTAMP becomes {@code TIMESTAMPTZ}: like BigQuery's TIMESTAMP it is an absolute
 * instant, and a value with a UTC offset is converted rather than having its offset dropped
 * (DuckDB's plain TIMESTAMP ignores offsets when casting text). Our sessions run with
 * {@code TimeZone = 'UTC'}, so values read back through this project are always in UTC.
 *
 * <p>A RECORD without sub-fields has no DuckDB (or BigQuery) type; callers leave it out.
 */
final class DuckDbTypes {

    private DuckDbTypes() {
    }

    /** The DuckDB type of a column, {@code T[]} for REPEATED fields. */
    static String sqlType(Field field) {
        String base = switch (field.type()) {
            case STRING -> "VARCHAR";
            case INTEGER -> "BIGINT";
            case FLOAT -> "DOUBLE";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMPTZ";
            case RECORD -> structType(field.fields());
        };
        return field.isRepeated() ? base + "[]" : base;
    }

    static String structType(List<Field> fields) {
        StringBuilder sb = new StringBuilder("STRUCT(");
        boolean first = true;
        for (Field f : fields) {
            if (!hasType(f)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(quote(f.name())).append(' ').append(sqlType(f));
        }
        return sb.append(')').toString();
    }

    /** False for a RECORD with no typed sub-field at any depth: such a column cannot exist. */
    static boolean hasType(Field field) {
        if (field.type() != Field.Type.RECORD) {
            return true;
        }
        for (Field f : field.fields()) {
            if (hasType(f)) {
                return true;
            }
        }
        return false;
    }

    /** A DuckDB quoted identifier: always quoted, so keywords, spaces and dashes are safe. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A DuckDB string literal. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }

    /** Reads a column back from DuckDB's catalog ({@code duckdb_columns().data_type}). */
    static Field parse(String name, String dataType) {
        Parser p = new Parser(dataType);
        Field f = p.field(name);
        if (p.pos != dataType.length()) {
            throw new IllegalArgumentException("cannot read DuckDB type of column " + name + ": " + dataType);
        }
        return f;
    }

    /** Recursive descent over DuckDB's type text, e.g. {@code STRUCT(a VARCHAR, "b c" BIGINT[])[]}. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Field field(String name) {
            skipSpaces();
            Field f;
            if (s.startsWith("STRUCT(", pos)) {
                pos += "STRUCT(".length();
                List<Field> children = new ArrayList<>();
                skipSpaces();
                while (peek() != ')') {
                    String child = name();
                    children.add(field(child));
                    skipSpaces();
                    if (peek() == ',') {
                        pos++;
                        skipSpaces();
                    }
                }
                pos++; // ')'
                f = Field.record(name, Field.Mode.NULLABLE, children);
            } else {
                f = Field.nullable(name, scalar(baseName()));
            }
            // T[] (LIST) and T[n] (ARRAY) both read as REPEATED; BigQuery has no list of lists,
            // so an inner level is folded into the outer one.
            boolean repeated = false;
            while (peek() == '[') {
                int close = s.indexOf(']', pos);
                pos = close + 1;
                repeated = true;
            }
            return repeated ? new Field(f.name(), f.type(), Field.Mode.REPEATED, f.fields()) : f;
        }

        /** A non-STRUCT type's text up to the next top-level ',' ')' or '[' (keeps DECIMAL(18,3), MAP(...)). */
        private String baseName() {
            int depth = 0;
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) {
                        break;
                    }
                    depth--;
                } else if (c == '"') {
                    pos = s.indexOf('"', pos + 1);
                } else if (depth == 0 && (c == ',' || c == '[')) {
                    break;
                }
                pos++;
            }
            return s.substring(start, pos).trim();
        }

        private String name() {
            skipSpaces();
            if (peek() == '"') {
                StringBuilder sb = new StringBuilder();
                pos++;
                while (true) {
                    char c = s.charAt(pos++);
                    if (c == '"') {
                        if (peek() == '"') {
                            sb.append('"');
                            pos++;
                        } else {
                            return sb.toString();
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != ' ') {
                pos++;
            }
            return s.substring(start, pos);
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipSpaces() {
            while (peek() == ' ') {
                pos++;
            }
        }
    }

    /** DuckDB scalar type names as BigQuery column types; anything else reads as STRING. */
    static Field.Type scalar(String duckDbType) {
        String t = duckDbType.toUpperCase(Locale.ROOT);
        int paren = t.indexOf('(');
        String bare = paren < 0 ? t : t.substring(0, paren);
        return switch (bare) {
            case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT",
                 "UTINYINT", "UHUGEINT", "INT8", "INT4", "INT2", "INT1", "LONG", "INT" -> Field.Type.INTEGER;
            case "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "FLOAT8", "FLOAT4" -> Field.Type.FLOAT;
            case "DATE" -> Field.Type.DATE;
            case "TIME", "TIME WITH TIME ZONE", "TIMETZ" -> Field.Type.TIME;
            case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_MS", "TIMESTAMP_NS",
                 "TIMESTAMP_S", "DATETIME" -> Field.Type.TIMESTAMP;
            default -> Field.Type.STRING;
        };
    }
}
