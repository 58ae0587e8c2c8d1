package io.dicombq.gcs;

import java.util.regex.Pattern;

/**
 * A {@code gs://bucket/pattern} source, with the Healthcare API's import wildcards:
 * {@code *} matches within one path segment, {@code **} matches across segments, {@code ?} matches one
 * character (not {@code /}). A pattern without wildcards names exactly one object.
 * Listing uses the literal part before the first wildcard as the prefix, so only that part of the
 * bucket is read.
 */
public final class GcsWildcard {
    // Cloud Storage bucket naming: 3-222 characters of a-z, 0-9, '-', '_', '.', starting and ending alphanumeric
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

    private final String bucket;
    private final String pattern;
    private final Pattern regex;
    private final String listPrefix;

    private GcsWildcard(String bucket, String pattern) {
        this.bucket = bucket;
        this.pattern = pattern;
        this.regex = toRegex(pattern);
        this.listPrefix = literalPrefix(pattern);
    }

    /** @throws IllegalArgumentException when the text is not {@code gs://BUCKET/OBJECT_OR_PATTERN} */
    public static GcsWildcard parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("gcsSource.uri is required, e.g. gs://bucket/dir/**.dcm");
        }
        if (!uri.startsWith("gs://")) {
            throw new IllegalArgumentException("gcsSource.uri must start with gs://, got: " + uri);
        }
        String rest = uri.substring("gs://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String object = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("gcsSource.uri has an invalid bucket name: " + uri);
        }
        if (object.isEmpty()) {
            throw new IllegalArgumentException(
                    "gcsSource.uri must name objects after the bucket (for everything use gs://" + bucket + "/**): " + uri);
        }
        return new GcsWildcard(bucket, object);
    }

    public String bucket() {
        return bucket;
    }

    /** The object part as given, wildcards included. */
    public String pattern() {
        return pattern;
    }

    /** Objects outside this prefix cannot match, so listing starts and stays here. */
    public String listPrefix() {
        return listPrefix;
    }

    public boolean matches(String objectName) {
        return regex.matcher(objectName).matches();
    }

    public String uri() {
        return "gs://" + bucket + "/" + pattern;
    }

    private static String literalPrefix(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    private static Pattern toRegex(String pattern) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (literal.length() > 0) {
                re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                re.append("[^/]");
            } else if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else {
                re.append("[^/]*");
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
