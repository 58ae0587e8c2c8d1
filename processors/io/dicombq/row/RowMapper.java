package io.dicombq.row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The pure DICOM-to-row mapping of DESIGN.md section 4: a list of elements in, column values
 * and the schema they need out. No I/O; the reader hands it parsed elements.
 */
public final class RowMapper {

    public static final String OTHER_ELEMENTS = "OtherElements";
    public static final String DROPPED_TAGS = "DroppedTags";
    /** BigQuery allows 15 levels of nested RECORDs. */
    public static final int MAX_RECORD_DEPTH = 15;
    /** An element whose own value is this large or larger gets no column. */
    public static final long MAX_VALUE_BYTES = 1L << 20;

    static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    static final int TIMEZONE_OFFSET_FROM_UTC = 0x00080201;
    static final int TRANSFER_SYNTAX_UID = 0x00020010;

    public static final Field OTHER_ELEMENTS_FIELD = Field.record(OTHER_ELEMENTS, Field.Mode.REPEATED, List.of(
            Field.nullable("Tag", Field.Type.STRING), Field.repeated("Data", Field.Type.STRING)));
    public static final Field DROPPED_TAGS_FIELD = Field.record(DROPPED_TAGS, Field.Mode.REPEATED, List.of(
            Field.nullable("TagName", Field.Type.STRING)));
    static final List<String> PN_GROUPS = List.of("Alphabetic", "Ideographic", "Phonetic");
    static final List<String> PN_COMPONENTS = List.of("FamilyName", "GivenName", "MiddleName", "NamePrefix",
            "NameSuffix");
    private static final List<Field> PN_FIELDS;

    static {
        List<Field> comps = new ArrayList<>();
        for (String c : PN_COMPONENTS) {
            comps.add(Field.nullable(c, Field.Type.STRING));
        }
        List<Field> groups = new ArrayList<>();
        for (String g : PN_GROUPS) {
            groups.add(Field.record(g, Field.Mode.NULLABLE, comps));
        }
        PN_FIELDS = List.copyOf(groups);
    }

    /** What a mapping produced: the row (DICOM columns only) and what the caller should know. */
    public record Result(MetadataRow row, List<String> warnings) {
    }

    private final TagDictionary dictionary;

    public RowMapper() {
        this(TagDictionary.standard());
    }

    public RowMapper(TagDictionary dictionary) {
        this.dictionary = dictionary;
    }

    public Result map(List<DicomElement> dataset) {
        Run run = new Run();
        run.tzOffset = firstString(dataset, TIMEZONE_OFFSET_FROM_UTC);
        Level top = mapLevel(run, dataset, 0, decoderFor(dataset, TextDecoder.defaultRepertoire(), run));
        if (!run.dropped.isEmpty()) {
            List<Object> d = new ArrayList<>(run.dropped.size());
            for (String name : run.dropped) {
                d.add(Map.of("TagName", name));
            }
            top.values.put(DROPPED_TAGS, d);
            top.schema.add(DROPPED_TAGS_FIELD);
        }
        return new Result(new MetadataRow(top.values, top.schema), List.copyOf(run.warnings));
    }

    /** State of one mapping run: things collected from every level. */
    private static final class Run {
        final LinkedHashSet<String> dropped = new LinkedHashSet<>();
        final LinkedHashSet<String> warnings = new LinkedHashSet<>();
        String tzOffset;
    }

    /** The values and schema of one dataset level (the top level or one sequence item). */
    private static final class Level {
        final Map<String, Object> values = new LinkedHashMap<>();
        final Schema schema = new Schema();
        final List<Object> others = new ArrayList<>();
    }

    /**
     * @param depth how many RECORD levels enclose this level's fields (0 at the top)
     */
    private Level mapLevel(Run run, List<DicomElement> elements, int depth, TextDecoder text) {
        Level level = new Level();
        Map<String, Integer> repeatingGroupOwner = null;
        for (DicomElement el : elements) {
            int tag = el.tag();
            int group = tag >>> 16;
            if ((tag & 0xFFFF) == 0 || group == 0xFFFE || (group == 0x0002 && tag != TRANSFER_SYNTAX_UID)) {
                continue; // group lengths, stray item tags, file meta other than the transfer syntax
            }
            TagDictionary.Entry entry = el.isPrivate() ? null : dictionary.lookup(tag);
            if (entry != null && TagDictionary.isRepeatingGroup(tag)) {
                if (repeatingGroupOwner == null) {
                    repeatingGroupOwner = new HashMap<>();
                }
                Integer owner = repeatingGroupOwner.putIfAbsent(entry.keyword(), group);
                if (owner != null && owner != group) {
                    entry = null; // a later overlay/curve group: keep under its own tag
                }
            }
            String name = entry != null ? entry.keyword() : el.tagName();
            if (el.length() >= MAX_VALUE_BYTES && el.items() == null) {
                run.dropped.add(name);
                continue;
            }
            if ("SQ".equals(el.vr()) && el.items() != null) {
                if (entry != null && !"SQ".equals(entry.vr())) {
                    other(run, level, el, depth, text); // a sequence where the dictionary wants a value
                    continue;
                }
                mapSequence(run, level, el, name, depth, text);
                continue;
            }
            if (entry == null) {
                other(run, level, el, depth, text);
                continue;
            }
            Field.Type fileType = ColumnTypes.of(el.vr());
            Field.Type dictType = dictType(entry, el);
            if (fileType == null || dictType == null) {
                run.dropped.add(name);
                continue;
            }
            if (fileType != dictType) {
                other(run, level, el, depth, text);
                continue;
            }
            if (dictType == Field.Type.RECORD) { // PN
                if (depth + 2 > MAX_RECORD_DEPTH) {
                    run.dropped.add(name);
                    continue;
                }
                mapPersonName(run, level, el, entry, depth, text);
                continue;
            }
            if (!mapValue(run, level, el, entry, dictType, text)) {
                other(run, level, el, depth, text);
            }
        }
        if (!level.others.isEmpty()) {
            level.values.put(OTHER_ELEMENTS, level.others);
            level.schema.add(OTHER_ELEMENTS_FIELD);
        }
        return level;
    }

    /** The column type the dictionary asks for; "US or OW" and "XS" follow the file where they must. */
    private static Field.Type dictType(TagDictionary.Entry entry, DicomElement el) {
        String vr = entry.vr();
        if ("US or OW".equals(vr)) {
            return "US".equals(el.vr()) ? Field.Type.INTEGER : null;
        }
        if ("XS".equals(vr)) {
            return Field.Type.INTEGER; // US or SS, both integers
        }
        return ColumnTypes.of(vr);
    }

    private void mapSequence(Run run, Level level, DicomElement el, String name, int depth, TextDecoder text) {
        if (depth + 1 > MAX_RECORD_DEPTH) {
            run.dropped.add(name);
            return;
        }
        List<Object> items = new ArrayList<>(el.items().size());
        Schema itemSchema = new Schema();
        boolean anyValue = false;
        for (List<DicomElement> item : el.items()) {
            Level mapped = mapLevel(run, item, depth + 1, decoderFor(item, text, run));
            items.add(mapped.values);
            itemSchema.addAll(mapped.schema.fields());
            anyValue |= !mapped.values.isEmpty();
        }
        if (!anyValue) {
            return; // no items, or only empty ones: a RECORD needs at least one field
        }
        level.values.put(name, items);
        level.schema.add(Field.record(name, Field.Mode.REPEATED, itemSchema.fields()));
    }

    private void mapPersonName(Run run, Level level, DicomElement el, TagDictionary.Entry entry, int depth,
                               TextDecoder text) {
        String decoded = decode(run, el, text, entry.keyword());
        List<Object> names = new ArrayList<>();
        for (String one : split(decoded, el.vr())) {
            Map<String, Object> pn = personName(one);
            if (pn != null) {
                names.add(pn);
            }
        }
        level.schema.add(Field.record(entry.keyword(), entry.singleValued() ? Field.Mode.NULLABLE : Field.Mode.REPEATED,
                PN_FIELDS));
        if (names.isEmpty()) {
            return;
        }
        if (entry.singleValued()) {
            if (names.size() > 1) {
                other(run, level, el, depth, text);
                return;
            }
            level.values.put(entry.keyword(), names.get(0));
        } else {
            level.values.put(entry.keyword(), names);
        }
    }

    /** One PN value (already decoded) to {Alphabetic:{FamilyName..}, ...}; null when empty. */
    static Map<String, Object> personName(String value) {
        Map<String, Object> pn = new LinkedHashMap<>();
        int start = 0;
        for (int g = 0; g < PN_GROUPS.size() && start <= value.length(); g++) {
            int end = g == PN_GROUPS.size() - 1 ? value.length() : value.indexOf('=', start);
            if (end < 0) {
                end = value.length();
            }
            Map<String, Object> comps = new LinkedHashMap<>();
            int cs = start;
            for (int c = 0; c < PN_COMPONENTS.size() && cs <= end; c++) {
                int ce = c == PN_COMPONENTS.size() - 1 ? end : value.indexOf('^', cs);
                if (ce < 0 || ce > end) {
                    ce = end;
                }
                String comp = value.substring(cs, ce).strip();
                if (!comp.isEmpty()) {
                    comps.put(PN_COMPONENTS.get(c), comp);
                }
                cs = ce + 1;
            }
            if (!comps.isEmpty()) {
                pn.put(PN_GROUPS.get(g), comps);
            }
            start = end + 1;
        }
        return pn.isEmpty() ? null : pn;
    }

    /** Puts a typed value; false when it does not fit its column (the caller keeps it as strings). */
    private boolean mapValue(Run run, Level level, DicomElement el, TagDictionary.Entry entry, Field.Type type,
                             TextDecoder text) {
        List<Object> out = new ArrayList<>();
        if (el.longs() != null) {
            for (long v : el.longs()) {
                out.add(v);
            }
        } else if (el.doubles() != null) {
            for (double v : el.doubles()) {
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    return false; // JSON numbers cannot say NaN or Infinity
                }
                out.add(v);
            }
        } else if (el.bytes() != null) {
            String decoded = decode(run, el, text, entry.keyword());
            for (String s : split(decoded, el.vr())) {
                if (s.isEmpty()) {
                    if (type == Field.Type.STRING) {
                        out.add(s);
                    }
                    continue;
                }
                Object v = convert(type, s, run);
                if (v == null) {
                    return false;
                }
                out.add(v);
            }
            if (type == Field.Type.STRING && allEmpty(out)) {
                out.clear();
            }
        }
        Field.Mode mode = entry.singleValued() ? Field.Mode.NULLABLE : Field.Mode.REPEATED;
        if (mode == Field.Mode.NULLABLE && out.size() > 1) {
            return false;
        }
        level.schema.add(new Field(entry.keyword(), type, mode, List.of()));
        if (out.isEmpty()) {
            return true;
        }
        level.values.put(entry.keyword(), mode == Field.Mode.NULLABLE ? out.get(0) : out);
        return true;
    }

    private static boolean allEmpty(List<Object> values) {
        for (Object o : values) {
            if (!"".equals(o)) {
                return false;
            }
        }
        return true;
    }

    private static Object convert(Field.Type type, String s, Run run) {
        switch (type) {
            case STRING:
                return s;
            case DATE:
                return DicomValues.date(s);
            case TIME:
                return DicomValues.time(s);
            case TIMESTAMP:
                return DicomValues.timestamp(s, run.tzOffset);
            case INTEGER:
                try {
                    return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
                } catch (NumberFormatException e) {
                    return null;
                }
            case FLOAT:
                try {
                    double d = Double.parseDouble(s);
                    return Double.isFinite(d) ? d : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            default:
                return null;
        }
    }

    /** Keeps an element as strings in OtherElements, or drops it when it is binary or too deep. */
    private void other(Run run, Level level, DicomElement el, int depth, TextDecoder text) {
        String name = el.tagName();
        if (depth + 1 > MAX_RECORD_DEPTH) {
            run.dropped.add(name);
            return;
        }
        List<String> data = new ArrayList<>();
        if (el.items() != null) {
            run.dropped.add(name); // a sequence where a value was expected has no string form
            return;
        } else if (el.longs() != null) {
            for (long v : el.longs()) {
                data.add(Long.toString(v));
            }
        } else if (el.doubles() != null) {
            for (double v : el.doubles()) {
                data.add(Double.toString(v));
            }
        } else if (el.bytes() != null && ColumnTypes.of(el.vr()) != null) {
            String decoded = decode(run, el, text, name);
            data.addAll(split(decoded, el.vr()));
            if (data.size() == 1 && data.get(0).isEmpty()) {
                data.clear();
            }
        } else {
            run.dropped.add(name); // OB, OW, UN ...: binary has no column
            return;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Tag", name);
        if (!data.isEmpty()) {
            entry.put("Data", data);
        }
        level.others.add(entry);
    }

    private static String decode(Run run, DicomElement el, TextDecoder text, String name) {
        byte[] b = el.bytes();
        TextDecoder.Decoded d = ColumnTypes.usesCharacterSet(el.vr())
                ? text.decode(b, "PN".equals(el.vr()))
                : TextDecoder.defaultRepertoire().decode(b, false);
        if (d.problem() != null) {
            run.warnings.add(el.tagName() + " " + name + ": " + d.problem());
        }
        return d.text();
    }

    /** Splits on backslash (after decoding), except for VRs that hold one value; trims padding. */
    static List<String> split(String s, String vr) {
        List<String> out = new ArrayList<>(2);
        boolean keepLeading = ColumnTypes.keepsLeadingSpaces(vr);
        if (ColumnTypes.singleValuedText(vr)) {
            out.add(trim(s, keepLeading));
            return out;
        }
        int start = 0;
        while (true) {
            int bs = s.indexOf('\\', start);
            if (bs < 0) {
                out.add(trim(s.substring(start), keepLeading));
                return out;
            }
            out.add(trim(s.substring(start, bs), keepLeading));
            start = bs + 1;
        }
    }

    private static String trim(String s, boolean keepLeading) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (!keepLeading) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private TextDecoder decoderFor(List<DicomElement> elements, TextDecoder inherited, Run run) {
        for (DicomElement el : elements) {
            if (el.tag() == SPECIFIC_CHARACTER_SET && el.bytes() != null) {
                String raw = new String(el.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                List<String> terms = new ArrayList<>();
                int start = 0;
                while (true) {
                    int bs = raw.indexOf('\\', start);
                    terms.add((bs < 0 ? raw.substring(start) : raw.substring(start, bs)).trim());
                    if (bs < 0) {
                        break;
                    }
                    start = bs + 1;
                }
                TextDecoder d = TextDecoder.of(terms);
                if (d.unsupportedTerm() != null) {
                    run.warnings.add("Specific Character Set '" + d.unsupportedTerm()
                            + "' is not supported: text outside ASCII is kept as ISO-8859-1");
                }
                return d;
            }
            if (el.tag() > SPECIFIC_CHARACTER_SET) {
                break;
            }
        }
        return inherited;
    }

    private static String firstString(List<DicomElement> elements, int tag) {
        for (DicomElement el : elements) {
            if (el.tag() == tag && el.bytes() != null) {
                String s = new String(el.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1).trim();
                int bs = s.indexOf('\\');
                return bs < 0 ? s : s.substring(0, bs);
            }
        }
        return null;
    }
}
