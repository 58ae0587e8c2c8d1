package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Independent cross-check of the mapping against dcmtk's {@code dcm2json} (DICOM JSON model,
 * PS3.18 F), a parser that shares no code with ours. For every corpus instance and sample, every
 * value dcm2json reports must appear in our row with the same meaning after the type conversions
 * of DESIGN.md section 4, or be named by DroppedTags; and every column and OtherElements entry of
 * ours must correspond to something dcm2json reports. The DA/TM/DT conversions below are written
 * separately from {@link DicomValues} (java.time parsing), so that the two can disagree.
 *
 * <p>Known differences, each counted and checked as precisely as it allows (see the constants):
 * dcm2json converts text to UTF-8 and rewrites (0008,0005); it reports UN elements as binary
 * where we re-read known tags with the dictionary VR; it reads on after the pixel data, where we
 * stop; and it refuses some inputs outright. Run with {@code -Dcrosscheck.extra=DIR} to add
 * real-world files (pydicom's test data: 75 files, 4,400 values, all matched).
 */
class Dcm2JsonCrossCheckTest {

    /**
     * Inputs dcm2json 3.6.7 refuses, with the message that says why. Each is a limit of dcmtk, not
     * of the file: iconv in this build has no ISO 2022 IR 87 converter, an unknown Specific Character
     * Set stops its UTF-8 conversion (we keep such bytes as ISO-8859-1 with a warning), and it has
     * no InlineBinary form for encapsulated pixel data. These files are still covered by CorpusTest.
     */
    static final Map<String, String> DCM2JSON_REFUSES = Map.of(
            "cs-iso2022-ir87", "'ISO 2022 IR 87' is not supported",
            "cs-iso2022-ir13-ir87", "'ISO 2022 IR 87' is not supported",
            "cs-iso2022-text-vrs", "'ISO 2022 IR 87' is not supported",
            "cs-unknown-term", "value 'ISO_IR 999' not supported",
            "ts-encapsulated", "InlineBinary encoding not supported for compressed pixel data");

    /** dcm2json writes UTF-8 and says so: its (0008,0005) is "ISO_IR 192" whatever the file had. */
    static final String UTF8_TERM = "ISO_IR 192";

    static final ObjectMapper JSON = new ObjectMapper();
    static final TagDictionary DICT = TagDictionary.standard();

    final DicomInstanceReader reader = new DicomInstanceReader();
    final Stats stats = new Stats();
    /** Warnings of the instance being compared. */
    List<String> warnings = List.of();

    static final class Stats {
        int files;
        int compared;
        int matched;
        int explainedByDropped;
        int asStringsInOtherElements;
        int unReRead;
        int charsetRewritten;
        int undecodableKept;
        int afterPixelData;
        final List<String> mismatches = new ArrayList<>();
        final Map<String, String> refused = new TreeMap<>();
    }

    static boolean dcm2jsonOnPath() {
        try {
            Process p = new ProcessBuilder("dcm2json", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void everyValueDcm2jsonReportsIsInTheRow() throws Exception {
        assumeTrue(dcm2jsonOnPath(), "dcm2json (dcmtk) is not on PATH");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(CorpusTest.DIR)) {
            s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
        }
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
        }
        for (Path f : files) {
            check(f);
        }
        // -Dcrosscheck.extra=DIR[:DIR...] adds every *.dcm below those folders (a review aid for
        // real-world files; not part of the default run, whose files are all in the repository)
        for (String dir : System.getProperty("crosscheck.extra", "").split(":")) {
            if (!dir.isBlank()) {
                try (Stream<Path> s = Files.walk(Path.of(dir))) {
                    for (Path f : s.filter(p -> p.toString().toLowerCase().endsWith(".dcm")).sorted().toList()) {
                        checkExtra(f);
                    }
                }
            }
        }
        System.out.printf("dcm2json cross-check: %d files, %d values compared, %d matched (%d of them as strings in"
                        + " OtherElements, %d UN re-read by design), %d explained by DroppedTags, %d charset terms"
                        + " rewritten by dcm2json, %d undecodable values kept as ISO-8859-1, %d values NUL-padded,"
                        + " %d after the pixel data (not read), %d mismatches; refused by dcm2json: %s%n",
                stats.files, stats.compared, stats.matched, stats.asStringsInOtherElements, stats.unReRead,
                stats.explainedByDropped, stats.charsetRewritten, stats.undecodableKept, NUL_PADDING[0],
                stats.afterPixelData, stats.mismatches.size(), stats.refused.keySet());
        stats.mismatches.forEach(m -> System.out.println("  MISMATCH " + m));
        assertEquals(List.of(), stats.mismatches);
        assertEquals(DCM2JSON_REFUSES.keySet(), stats.refused.keySet(), "dcm2json refused other files: " + stats.refused);
        assertTrue(stats.files >= 35 && stats.compared >= 400, stats.files + " files, " + stats.compared + " values");
    }

    /** Extra files may be anything: what either side refuses is reported, not compared. */
    private void checkExtra(Path f) throws Exception {
        try {
            reader.read(f);
        } catch (io.dicombq.InvalidDicomException e) {
            System.out.println("  ours refuses " + f + ": " + e.getMessage());
            return;
        }
        Process p = new ProcessBuilder("dcm2json", "-fc", "-ee", "-q", f.toString()).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            System.out.println("  dcm2json refuses " + f);
            return;
        }
        check(f);
    }

    private void check(Path f) throws Exception {
        String name = f.getFileName().toString().replace(".dcm", "");
        Process p = new ProcessBuilder("dcm2json", "-fc", "-ee", f.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        if (p.exitValue() != 0) {
            String why = DCM2JSON_REFUSES.get(name);
            assertTrue(why != null && err.contains(why), name + ": dcm2json failed unexpectedly: " + err);
            stats.refused.put(name, why);
            return;
        }
        stats.files++;
        JsonNode theirs = JSON.readTree(nonFinite(new String(out, StandardCharsets.UTF_8)));
        ParsedInstance ours = reader.read(f);
        warnings = ours.warnings();
        Map<String, Object> row = ours.row().values();
        Set<String> dropped = new HashSet<>();
        if (row.get(RowMapper.DROPPED_TAGS) instanceof List<?> l) {
            for (Object o : l) {
                dropped.add(String.valueOf(((Map<?, ?>) o).get("TagName")));
            }
        }
        String tz = theirs.path("00080201").path("Value").path(0).asText(null);
        compareLevel(name, theirs, row, dropped, tz, true);
    }

    /** dcm2json -ee writes nan/inf as bare words; make them JSON strings so Jackson can read them. */
    static String nonFinite(String json) {
        return json.replaceAll("(?<=[\\[,])(-?)(nan|inf)(?=[,\\]])", "\"$1$2\"");
    }

    @SuppressWarnings("unchecked")
    private void compareLevel(String where, JsonNode theirs, Map<String, Object> ours, Set<String> dropped, String tz,
                              boolean top) {
        Set<String> claimed = new HashSet<>();
        Set<String> claimedOthers = new HashSet<>();
        Map<String, List<String>> others = new LinkedHashMap<>();
        if (ours.get(RowMapper.OTHER_ELEMENTS) instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> e = (Map<String, Object>) o;
                others.put((String) e.get("Tag"), (List<String>) e.getOrDefault("Data", List.of()));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = theirs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int tag = (int) Long.parseLong(e.getKey(), 16);
            if ((tag & 0xFFFF) == 0) {
                continue; // group lengths are left out by design
            }
            JsonNode el = e.getValue();
            String vr = el.path("vr").asText();
            String tagName = DicomElement.tagName(tag);
            TagDictionary.Entry entry = (tag & 0x00010000) != 0 ? null : DICT.lookup(tag);
            String column = entry != null ? entry.keyword() : tagName;
            String at = where + " " + tagName + " " + column;
            stats.compared++;
            if (top && tag == RowMapper.SPECIFIC_CHARACTER_SET && UTF8_TERM.equals(el.path("Value").path(0).asText())
                    && !List.of(UTF8_TERM).equals(ours.get(column)) && !UTF8_TERM.equals(ours.get(column))) {
                stats.charsetRewritten++; // dcm2json converted the text; ours keeps the file's term
                claimed.add(column);
                continue;
            }
            if (top && Integer.compareUnsigned(tag, 0x7FE00010) > 0 && !ours.containsKey(column)
                    && (dropped.contains("PixelData") || dropped.contains("FloatPixelData")
                    || dropped.contains("DoubleFloatPixelData"))) {
                // reading stops at the top-level pixel data (it is never read, and nothing of the row
                // comes after it but trailing padding and signatures): counted, not compared
                stats.afterPixelData++;
                continue;
            }
            boolean inColumn = ours.containsKey(column) && !claimed.contains(column);
            if (el.has("InlineBinary") || el.has("BulkDataURI")) {
                if ("UN".equals(vr) && entry != null && (inColumn || others.containsKey(tagName))) {
                    if (unReReadMatches(el, entry, inColumn ? ours.get(column) : others.get(tagName))) {
                        stats.matched++;
                        stats.unReRead++;
                        (inColumn ? claimed : claimedOthers).add(inColumn ? column : tagName);
                    } else {
                        stats.mismatches.add(at + ": UN value re-read as " + entry.vr() + " differs: " + el
                                + " vs " + (inColumn ? ours.get(column) : others.get(tagName)));
                    }
                    continue;
                }
                if (dropped.contains(column) || dropped.contains(tagName)) {
                    stats.explainedByDropped++;
                } else {
                    stats.mismatches.add(at + ": binary " + vr + " not named in DroppedTags");
                }
                continue;
            }
            if (inColumn && el.toString().contains("\uFFFD") && warnings.stream().anyMatch(w -> w.startsWith(tagName))) {
                String problem = compareColumn(at, vr, el, asDcm2jsonSeesIt(ours.get(column)), dropped, tz);
                if (problem == null) {
                    stats.matched++;
                    stats.undecodableKept++;
                    claimed.add(column);
                } else {
                    stats.mismatches.add(at + " (undecodable bytes): " + problem);
                }
                continue;
            }
            if (inColumn) {
                String problem = compareColumn(at, vr, el, ours.get(column), dropped, tz);
                if (problem == null) {
                    stats.matched++;
                    claimed.add(column);
                    continue;
                }
                if (!others.containsKey(tagName)) {
                    stats.mismatches.add(at + ": " + problem);
                    continue;
                }
            }
            if (others.containsKey(tagName) && !claimedOthers.contains(tagName)) {
                String problem = compareStrings(vr, el, others.get(tagName));
                if (problem == null) {
                    stats.matched++;
                    stats.asStringsInOtherElements++;
                    claimedOthers.add(tagName);
                } else {
                    stats.mismatches.add(at + " (OtherElements): " + problem);
                }
                continue;
            }
            if (dropped.contains(column) || dropped.contains(tagName)) {
                stats.explainedByDropped++;
                continue;
            }
            if (!el.has("Value") || "SQ".equals(vr) && allItemsEmpty(el.path("Value"))) {
                stats.matched++; // empty: NULL (no value) in ours, which is what we found
                if (ours.containsKey(column)) {
                    claimed.add(column);
                }
                continue;
            }
            if ("SQ".equals(vr)) {
                // a sequence whose items hold only things we leave out: walk them to prove it
                int before = stats.mismatches.size();
                for (JsonNode item : el.path("Value")) {
                    compareLevel(at + "[]", item, Map.of(), dropped, tz, false);
                }
                if (stats.mismatches.size() == before) {
                    stats.matched++;
                }
                continue;
            }
            stats.mismatches.add(at + ": " + vr + " " + el.path("Value") + " missing from the row");
        }
        for (String k : ours.keySet()) {
            if (!claimed.contains(k) && !k.equals(RowMapper.OTHER_ELEMENTS) && !k.equals(RowMapper.DROPPED_TAGS)
                    && !(top && k.equals("TransferSyntaxUID"))) {
                stats.mismatches.add(where + ": column " + k + " = " + ours.get(k) + " has no counterpart in dcm2json");
            }
        }
        for (String k : others.keySet()) {
            if (!claimedOthers.contains(k)) {
                stats.mismatches.add(where + ": OtherElements " + k + " = " + others.get(k)
                        + " has no counterpart in dcm2json");
            }
        }
    }

    private static boolean allItemsEmpty(JsonNode items) {
        for (JsonNode i : items) {
            if (i.size() > 0) {
                return false;
            }
        }
        return true;
    }

    /** Null when our column value means what dcm2json's value means, else what differs. */
    @SuppressWarnings("unchecked")
    private String compareColumn(String at, String vr, JsonNode el, Object ours, Set<String> dropped, String tz) {
        JsonNode values = el.path("Value");
        if ("SQ".equals(vr)) {
            if (!(ours instanceof List<?> items) || items.size() != values.size()) {
                return "sequence of " + values.size() + " items vs " + ours;
            }
            int before = stats.mismatches.size();
            for (int i = 0; i < items.size(); i++) {
                compareLevel(at + "[" + i + "]", values.get(i), (Map<String, Object>) items.get(i), dropped, tz, false);
            }
            return stats.mismatches.size() == before ? null : "items differ (see above)";
        }
        List<Object> ourValues = ours instanceof List<?> l ? (List<Object>) l : List.of(ours);
        List<Object> expected = new ArrayList<>();
        for (JsonNode v : values) {
            Object x = expect(vr, v, tz);
            if (x == NOTHING) {
                continue;
            }
            if (x == null) {
                return vr + " value " + v + " does not convert, but the row has a typed column " + ours;
            }
            expected.add(x);
        }
        if (expected.size() != ourValues.size()) {
            return vr + " " + values + " vs " + ours;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!same(expected.get(i), ourValues.get(i))) {
                return vr + " " + values + " expected " + expected + " vs " + ours;
            }
        }
        return null;
    }

    private static final Object NOTHING = new Object();

    /** The column value a dcm2json value should become; NOTHING for an empty one; null if it cannot convert. */
    private static Object expect(String vr, JsonNode v, String tz) {
        if (v.isNull()) {
            return switch (vr) {
                case "DA", "TM", "DT", "PN" -> NOTHING;
                default -> "";
            };
        }
        switch (vr) {
            case "DA":
                return date(v.asText());
            case "TM":
                return time(v.asText());
            case "DT":
                return timestamp(v.asText(), tz);
            case "PN":
                return personName(v);
            case "AT":
                return Long.parseLong(v.asText(), 16);
            case "US", "SS", "UL", "SL", "SV", "UV":
                return v.asLong();
            case "FL", "FD":
                return v.isNumber() ? v.asDouble() : null;
            case "IS", "DS":
                return v; // dcm2json writes numbers; ours keeps the string, compared by value in same()
            default:
                return stripNulPadding(v.asText());
        }
    }

    /**
     * dcm2json trims trailing spaces but keeps a trailing NUL (a non-conforming pad some writers use
     * for text); we treat both as padding (DESIGN.md: values are trimmed of padding).
     */
    static String stripNulPadding(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\0' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        if (end < s.length() && s.indexOf('\0') >= 0) {
            NUL_PADDING[0]++;
            return s.substring(0, end);
        }
        return s;
    }

    static final int[] NUL_PADDING = {0};

    /**
     * Bytes that are not valid in the declared character set: dcm2json passes them through (and
     * Jackson reads them as U+FFFD); we keep them as ISO-8859-1 text with a warning. Re-encoding
     * our text as ISO-8859-1 gives the original bytes back, and decoding those as UTF-8 the way
     * Jackson did must give dcm2json's text.
     */
    @SuppressWarnings("unchecked")
    static Object asDcm2jsonSeesIt(Object ours) {
        if (ours instanceof String str) {
            return new String(str.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
        if (ours instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, asDcm2jsonSeesIt(v)));
            return out;
        }
        if (ours instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(asDcm2jsonSeesIt(v)));
            return out;
        }
        return ours;
    }

    private static boolean same(Object expected, Object ours) {
        if (expected instanceof JsonNode n) {
            if (!(ours instanceof String s)) {
                return false;
            }
            if (n.isTextual()) {
                return n.asText().equals(s);
            }
            try {
                return Double.parseDouble(s) == n.asDouble();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (expected instanceof Double d && ours instanceof Double o) {
            // dcm2json prints FL with float precision: compare as floats when the double is not exact
            return d.equals(o) || (float) d.doubleValue() == (float) o.doubleValue();
        }
        return expected.equals(ours);
    }

    /** OtherElements keeps the value as strings: compare them with dcm2json's text or numbers. */
    private static String compareStrings(String vr, JsonNode el, List<String> data) {
        List<String> expected = new ArrayList<>();
        for (JsonNode v : el.path("Value")) {
            if ("PN".equals(vr)) {
                List<String> groups = new ArrayList<>();
                for (String g : List.of("Alphabetic", "Ideographic", "Phonetic")) {
                    groups.add(v.path(g).asText(""));
                }
                while (!groups.isEmpty() && groups.get(groups.size() - 1).isEmpty()) {
                    groups.remove(groups.size() - 1);
                }
                expected.add(String.join("=", groups));
            } else if ("AT".equals(vr)) {
                expected.add(Long.toString(Long.parseLong(v.asText(), 16))); // ours: the tag number in decimal
            } else {
                expected.add(v.isNull() ? "" : stripNulPadding(v.asText()));
            }
        }
        if (expected.size() == 1 && expected.get(0).isEmpty()) {
            expected.clear();
        }
        if (expected.size() != data.size()) {
            return expected + " vs " + data;
        }
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String o = data.get(i);
            boolean ok = e.equals(o);
            if (!ok && el.path("Value").get(i).isNumber()) {
                try {
                    double x = Double.parseDouble(o);
                    double y = el.path("Value").get(i).asDouble();
                    ok = x == y || (float) x == (float) y;
                } catch (NumberFormatException ex) {
                    ok = false;
                }
            }
            if (!ok && el.path("Value").get(i).isTextual() && ("NaN".equals(o) || o.contains("Infinity"))) {
                ok = e.replace("inf", "Infinity").replace("nan", "NaN").equals(o);
            }
            if (!ok) {
                return expected + " vs " + data;
            }
        }
        return null;
    }

    /**
     * A UN element of a known tag that dcm2json left as binary and we re-read (PS3.5 6.2.2): the
     * bytes must give our value. Text VRs are compared as ASCII, US/SS/UL/SL little endian; a
     * sequence re-read from UN is checked to have at least one item.
     */
    private static boolean unReReadMatches(JsonNode el, TagDictionary.Entry entry, Object ours) {
        byte[] b = Base64.getDecoder().decode(el.path("InlineBinary").asText(""));
        String vr = entry.vr();
        List<Object> values = ours instanceof List<?> l ? new ArrayList<>(l) : List.of(ours);
        switch (vr) {
            case "SQ":
                return ours instanceof List<?> l && !l.isEmpty() && b.length >= 8 && (b[0] & 0xFF) == 0xFE
                        && (b[1] & 0xFF) == 0xFF && b[2] == 0 && (b[3] & 0xFF) == 0xE0;
            case "US", "SS", "UL", "SL": {
                int size = vr.charAt(1) == 'S' ? 2 : 4;
                List<Object> expected = new ArrayList<>();
                for (int i = 0; i + size <= b.length; i += size) {
                    long x = size == 2 ? (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8
                            : (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
                    expected.add(vr.equals("SS") ? (long) (short) x : vr.equals("SL") ? (long) (int) x : x);
                }
                return expected.equals(values);
            }
            default: {
                String text = new String(b, StandardCharsets.US_ASCII).replaceAll("[\\s\\x00]+$", "");
                Object x = switch (vr) {
                    case "DA" -> date(text);
                    case "TM" -> time(text);
                    case "PN" -> personName(JSON.createObjectNode().put("Alphabetic", text));
                    default -> text;
                };
                return values.size() == 1 && x != null && x.equals(values.get(0));
            }
        }
    }

    // ---- DA/TM/DT/PN conversions written independently of DicomValues and RowMapper ----

    private static final Pattern DA = Pattern.compile("(\\d{4})(\\d{2})?(\\d{2})?");
    private static final Pattern TM = Pattern.compile("(\\d{2})(\\d{2})?(?:(\\d{2})(?:\\.(\\d{1,6}))?)?");
    private static final Pattern DT = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:(\\d{2})(?:\\.(\\d{1,6}))?)?([+-]\\d{4})?");

    static String date(String s) {
        String v = s.trim();
        if (v.matches("\\d{4}\\.\\d{2}\\.\\d{2}")) {
            v = v.replace(".", ""); // retired form
        }
        Matcher m = DA.matcher(v);
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 1 : Integer.parseInt(m.group(3))).format(DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    static String time(String s) {
        String v = s.trim();
        if (v.matches("\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?")) {
            v = v.replace(":", ""); // retired form
        }
        Matcher m = TM.matcher(v);
        if (!m.matches()) {
            return null;
        }
        try {
            LocalTime t = LocalTime.of(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
            return t.format(DateTimeFormatter.ofPattern("HH:mm:ss")) + micros(m.group(4));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    static String timestamp(String s, String tz) {
        Matcher m = DT.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(1)), part(m.group(2), 1), part(m.group(3), 1),
                    part(m.group(4), 0), part(m.group(5), 0), part(m.group(6), 0));
            String off = m.group(8) != null ? m.group(8) : tz;
            ZoneOffset zone = off == null ? ZoneOffset.UTC : ZoneOffset.of(off.substring(0, 3) + ":" + off.substring(3));
            LocalDateTime utc = t.atOffset(zone).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            return utc.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + micros(m.group(7)) + "Z";
        } catch (java.time.DateTimeException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static int part(String g, int dflt) {
        return g == null ? dflt : Integer.parseInt(g);
    }

    private static String micros(String frac) {
        return frac == null ? "" : "." + String.format("%-6s", frac).replace(' ', '0');
    }

    /** DICOM JSON's {"Alphabetic": "F^G^M^P^S", ...} to our nested RECORD form; NOTHING when empty. */
    static Object personName(JsonNode v) {
        Map<String, Object> pn = new LinkedHashMap<>();
        String[] comps = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};
        for (String g : List.of("Alphabetic", "Ideographic", "Phonetic")) {
            if (!v.has(g)) {
                continue;
            }
            String[] parts = v.get(g).asText().split("\\^", -1);
            Map<String, Object> c = new LinkedHashMap<>();
            for (int i = 0; i < parts.length && i < comps.length; i++) {
                if (!parts[i].isBlank()) {
                    c.put(comps[i], parts[i].strip());
                }
            }
            if (!c.isEmpty()) {
                pn.put(g, c);
            }
        }
        return pn.isEmpty() ? NOTHING : pn;
    }
}
