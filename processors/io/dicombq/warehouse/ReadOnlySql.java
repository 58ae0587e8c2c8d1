package io.dicombq.warehouse;

import java.util.Locale;
import java.util.Set;

/**
 * Admits only a single read-only statement. This is the friendly first line (a clear message
 * before anything runs); the hard guarantee is that queries run in a
 * {@code BEGIN TRANSACTION READ ONLY} (or on READ_ONLY attached files), which DuckDB enforces.
 * Both are needed: a second statement could end the read-only transaction
 * ({@code SELECT 1; COMMIT; DROP ...}), and DuckDB runs every statement of a multi-statement
 * string, even when it is only being prepared.
 */
public final class ReadOnlySql {

    private static final Set<String> READ_ONLY = Set.of(
            "SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "EXPLAIN",
            "PIVOT", "UNPIVOT", "(");

    private ReadOnlySql() {
    }

    /**
     * Returns the statement without a trailing semicolon.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("empty query");
        }
        int end = statementEnd(sql);
        String statement = sql.substring(0, end);
        if (!onlyCommentsOrSpace(sql, end + 1)) {
            throw new IllegalArgumentException("only one statement per query is allowed");
        }
        String first = firstWord(statement, 0);
        if (first.isEmpty()) {
            throw new IllegalArgumentException("empty query");
        }
        if (first.equals("EXPLAIN")) {
            // EXPLAIN ANALYZE runs its statement: the statement must be read-only too.
            int at = indexAfterWord(statement, "EXPLAIN");
            String next = firstWord(statement, at);
            if (next.equals("ANALYZE") || next.equals("ANALYSE")) {
                next = firstWord(statement, indexAfterWord(statement, next));
            }
            if (!READ_ONLY.contains(next) || next.equals("EXPLAIN")) {
                throw rejected(next);
            }
        } else if (!READ_ONLY.contains(first)) {
            throw rejected(first);
        }
        return statement;
    }

    private static IllegalArgumentException rejected(String keyword) {
        return new IllegalArgumentException("only read-only queries are allowed (SELECT, WITH, FROM, VALUES, "
                + "DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PIVOT); got " + (keyword.isEmpty() ? "nothing" : keyword));
    }

    /** Index of the first ';' outside strings, quoted identifiers and comments, or the length. */
    private static int statementEnd(String s) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = closingQuote(s, i, c);
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '$') {
                i = dollarQuoted(s, i);
            } else if (c == ';') {
                return i;
            } else {
                i++;
            }
        }
        return n;
    }

    private static int closingQuote(String s, int open, char quote) {
        int i = open + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2; // doubled quote inside
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    // $tag$ ... $tag$ strings (DuckDB supports PostgreSQL's dollar quoting); a lone $1 is a parameter.
    private static int dollarQuoted(String s, int start) {
        int close = s.indexOf('$', start + 1);
        if (close < 0) {
            return start + 1;
        }
        String tag = s.substring(start, close + 1);
        if (!tag.substring(1, tag.length() - 1).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')
                || (tag.length() > 2 && Character.isDigit(tag.charAt(1)))) {
            return start + 1;
        }
        int end = s.indexOf(tag, close + 1);
        return end < 0 ? s.length() : end + tag.length();
    }

    private static boolean onlyCommentsOrSpace(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
            } else if (s.startsWith("--", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                return false;
            }
        }
        return true;
    }

    /** The first keyword at or after {@code from}, skipping space and comments; "(" for a parenthesis. */
    private static String firstWord(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("--", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                break;
            }
        }
        if (i < s.length() && s.charAt(i) == '(') {
            return "(";
        }
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static int indexAfterWord(String s, String word) {
        int at = s.toUpperCase(Locale.ROOT).indexOf(word);
        return at < 0 ? s.length() : at + word.length();
    }
}
