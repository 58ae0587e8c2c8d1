package io.dicombq.row;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes text values with an instance's Specific Character Set (0008,0005), ISO 2022 code
 * extensions included (PS3.5 6.1.2.5). Values are decoded whole, before anyone splits them on
 * backslashes, because in GBK, GB18030 and the ISO 2022 double-byte sets a 0x5C byte can be half
 * of a character. Bytes that cannot be decoded are never dropped: they are kept as ISO-8859-1
 * text and the result names the problem, which the reader turns into a warning.
 *
 * <p>Not thread-safe (it keeps decoders); make one per instance.
 */
public final class TextDecoder {

    /** Decoded text; {@code problem} is null unless some bytes had to be kept as ISO-8859-1. */
    public record Decoded(String text, String problem) {
    }

    /** One graphic set: the Java charset that decodes it, and how bytes are fed to it. */
    private enum Set94 { SINGLE, JIS0208, JIS0212, EUC_PAIR }

    private record GSet(String name, Charset charset, Set94 kind) {
    }

    private static final GSet ASCII = new GSet("ISO_IR 6", StandardCharsets.US_ASCII, Set94.SINGLE);

    private final List<String> terms;
    private final boolean iso2022;
    /** For character sets without code extensions: the one charset for the whole value. */
    private final Charset plain;
    private final String plainName;
    private final GSet initialG0;
    private final GSet initialG1;
    private final String unsupported;
    private final java.util.Map<Charset, CharsetDecoder> decoders = new java.util.HashMap<>();

    private TextDecoder(List<String> terms) {
        this.terms = terms;
        String first = terms.isEmpty() ? "" : terms.get(0);
        boolean ext = false;
        for (String t : terms) {
            ext |= t.startsWith("ISO 2022");
        }
        String bad = null;
        if (ext) {
            iso2022 = true;
            plain = null;
            plainName = null;
            GSet g0 = ASCII;
            GSet g1 = null;
            if (!first.isEmpty() && !"ISO 2022 IR 6".equals(first)) {
                GSet s = gsetForTerm(first);
                if (s == null) {
                    bad = first;
                } else if (s.kind == Set94.JIS0208 || s.kind == Set94.JIS0212) {
                    g0 = s; // not allowed as a default by PS3.5, but seen in the wild
                } else {
                    g1 = s;
                }
            }
            initialG0 = g0;
            initialG1 = g1;
        } else {
            iso2022 = false;
            initialG0 = ASCII;
            initialG1 = null;
            Charset cs = charsetForTerm(first);
            if (cs == null) {
                bad = first;
                cs = StandardCharsets.ISO_8859_1;
            }
            plain = cs;
            plainName = first.isEmpty() ? "default repertoire" : first;
        }
        unsupported = bad;
    }

    /** A decoder for the values of (0008,0005), trimmed; an empty list means the default repertoire. */
    public static TextDecoder of(List<String> specificCharacterSet) {
        List<String> t = new ArrayList<>();
        for (String s : specificCharacterSet) {
            t.add(s == null ? "" : s.trim().toUpperCase(Locale.ROOT));
        }
        return new TextDecoder(List.copyOf(t));
    }

    public static TextDecoder defaultRepertoire() {
        return of(List.of());
    }

    public List<String> terms() {
        return terms;
    }

    /** The term that no supported charset matches, or null. */
    public String unsupportedTerm() {
        return unsupported;
    }

    /** Decodes a whole value. {@code personName} makes ^ and = reset ISO 2022 state, as PS3.5 requires. */
    public Decoded decode(byte[] b, boolean personName) {
        if (isPlainAscii(b)) {
            return new Decoded(new String(b, StandardCharsets.ISO_8859_1), null);
        }
        if (!iso2022) {
            if (plain == StandardCharsets.US_ASCII) {
                return new Decoded(new String(b, StandardCharsets.ISO_8859_1),
                        "bytes outside ASCII with no Specific Character Set: kept as ISO-8859-1");
            }
            try {
                return new Decoded(decoder(plain).decode(ByteBuffer.wrap(b)).toString(),
                        unsupported == null ? null : "unsupported Specific Character Set '" + unsupported
                                + "': kept as ISO-8859-1");
            } catch (CharacterCodingException e) {
                return new Decoded(new String(b, StandardCharsets.ISO_8859_1),
                        "not valid " + plainName + ": kept as ISO-8859-1");
            }
        }
        return decode2022(b, personName);
    }

    private static boolean isPlainAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0 || x == 0x1B) {
                return false;
            }
        }
        return true;
    }

    private Decoded decode2022(byte[] b, boolean pn) {
        StringBuilder out = new StringBuilder(b.length);
        String problem = unsupported == null ? null : "unsupported Specific Character Set '" + unsupported + "'";
        GSet g0 = initialG0;
        GSet g1 = initialG1;
        int i = 0;
        while (i < b.length) {
            int x = b[i] & 0xFF;
            if (x == 0x1B) {
                int[] used = new int[1];
                GSet[] designated = new GSet[1];
                boolean toG0 = parseEscape(b, i + 1, used, designated);
                if (designated[0] == null) {
                    problem = "unknown ISO 2022 escape sequence: kept as ISO-8859-1";
                    out.append((char) x);
                    i++;
                    continue;
                }
                if (toG0) {
                    g0 = designated[0];
                } else {
                    g1 = designated[0];
                }
                i += 1 + used[0];
                continue;
            }
            if (x < 0x80) {
                if (g0.kind == Set94.JIS0208 || g0.kind == Set94.JIS0212) {
                    int end = i;
                    while (end + 1 < b.length && inGL94(b[end]) && inGL94(b[end + 1])) {
                        end += 2;
                    }
                    if (end > i) {
                        problem = appendMulti(out, b, i, end, g0, problem);
                        i = end;
                        continue;
                    }
                }
                char c = (char) x;
                out.append(c);
                if (c == '\r' || c == '\n' || c == '\f' || c == '\\' || (pn && (c == '^' || c == '='))) {
                    g0 = initialG0; // PS3.5 6.1.2.5.3: delimiters return to the initial sets
                    g1 = initialG1;
                }
                i++;
                continue;
            }
            int end = i;
            while (end < b.length && b[end] < 0) {
                end++;
            }
            if (g1 == null) {
                problem = "bytes above 0x7F with no G1 character set: kept as ISO-8859-1";
                out.append(new String(b, i, end - i, StandardCharsets.ISO_8859_1));
            } else {
                problem = appendMulti(out, b, i, end, g1, problem);
            }
            i = end;
        }
        return new Decoded(out.toString(), problem);
    }

    private static boolean inGL94(byte x) {
        return x >= 0x21 && x <= 0x7E;
    }

    /** Decodes b[from, to) in set {@code s}; on failure keeps the bytes as ISO-8859-1. */
    private String appendMulti(StringBuilder out, byte[] b, int from, int to, GSet s, String problem) {
        byte[] feed;
        switch (s.kind) {
            case JIS0208 -> {
                // JIS X 0208 in GL is EUC-JP with the high bits cleared
                feed = new byte[to - from];
                for (int k = 0; k < feed.length; k++) {
                    feed[k] = (byte) (b[from + k] | 0x80);
                }
            }
            case JIS0212 -> {
                // EUC-JP reaches JIS X 0212 through single shift 3 (0x8F) before each pair
                int pairs = (to - from) / 2;
                feed = new byte[pairs * 3];
                for (int k = 0; k < pairs; k++) {
                    feed[3 * k] = (byte) 0x8F;
                    feed[3 * k + 1] = (byte) (b[from + 2 * k] | 0x80);
                    feed[3 * k + 2] = (byte) (b[from + 2 * k + 1] | 0x80);
                }
            }
            default -> {
                feed = new byte[to - from];
                System.arraycopy(b, from, feed, 0, feed.length);
            }
        }
        try {
            CharBuffer cb = decoder(s.charset).decode(ByteBuffer.wrap(feed));
            out.append(cb);
            return problem;
        } catch (CharacterCodingException e) {
            out.append(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
            return "not valid " + s.name + ": kept as ISO-8859-1";
        }
    }

    /** Parses the escape after ESC at {@code p}; returns true when it designates G0. */
    private static boolean parseEscape(byte[] b, int p, int[] used, GSet[] out) {
        String seq = new String(b, p, Math.min(3, b.length - p), StandardCharsets.ISO_8859_1);
        for (Object[] e : ESCAPES) {
            String code = (String) e[0];
            if (seq.startsWith(code)) {
                used[0] = code.length();
                out[0] = (GSet) e[1];
                return (Boolean) e[2];
            }
        }
        return false;
    }

    private static final GSet JIS0208 = new GSet("ISO 2022 IR 87", cs("EUC-JP"), Set94.JIS0208);
    private static final GSet JIS0212 = new GSet("ISO 2022 IR 159", cs("EUC-JP"), Set94.JIS0212);
    private static final GSet KATAKANA = new GSet("ISO 2022 IR 13", cs("JIS_X0201"), Set94.SINGLE);
    private static final GSet KSC = new GSet("ISO 2022 IR 149", cs("EUC-KR"), Set94.EUC_PAIR);
    private static final GSet GB2312 = new GSet("ISO 2022 IR 58", cs("GB2312"), Set94.EUC_PAIR);

    private static GSet latin(String term, String charset) {
        return new GSet(term, cs(charset), Set94.SINGLE);
    }

    private static final GSet[] G1_SINGLE = {
        latin("ISO 2022 IR 100", "ISO-8859-1"), latin("ISO 2022 IR 101", "ISO-8859-2"),
        latin("ISO 2022 IR 109", "ISO-8859-3"), latin("ISO 2022 IR 110", "ISO-8859-4"),
        latin("ISO 2022 IR 144", "ISO-8859-5"), latin("ISO 2022 IR 127", "ISO-8859-6"),
        latin("ISO 2022 IR 126", "ISO-8859-7"), latin("ISO 2022 IR 138", "ISO-8859-8"),
        latin("ISO 2022 IR 148", "ISO-8859-9"), latin("ISO 2022 IR 203", "ISO-8859-15"),
        latin("ISO 2022 IR 166", "x-iso-8859-11"),
    };

    /** Escape sequences (bytes after ESC), what they designate, and whether into G0. */
    private static final Object[][] ESCAPES = {
        {"(B", ASCII, true}, {"(J", ASCII, true}, {"$B", JIS0208, true}, {"$@", JIS0208, true},
        {"$(D", JIS0212, true}, {")I", KATAKANA, false}, {"$)C", KSC, false}, {"$)A", GB2312, false},
        {"-A", G1_SINGLE[0], false}, {"-B", G1_SINGLE[1], false}, {"-C", G1_SINGLE[2], false},
        {"-D", G1_SINGLE[3], false}, {"-L", G1_SINGLE[4], false}, {"-G", G1_SINGLE[5], false},
        {"-F", G1_SINGLE[6], false}, {"-H", G1_SINGLE[7], false}, {"-M", G1_SINGLE[8], false},
        {"-b", G1_SINGLE[9], false}, {"-T", G1_SINGLE[10], false},
    };

    private static GSet gsetForTerm(String term) {
        switch (term) {
            case "ISO 2022 IR 87": return JIS0208;
            case "ISO 2022 IR 159": return JIS0212;
            case "ISO 2022 IR 13": return KATAKANA;
            case "ISO 2022 IR 149": return KSC;
            case "ISO 2022 IR 58": return GB2312;
            case "ISO 2022 IR 6": return ASCII;
            default:
                for (GSet s : G1_SINGLE) {
                    if (s.name.equals(term)) {
                        return s;
                    }
                }
                return null;
        }
    }

    private static Charset charsetForTerm(String term) {
        switch (term) {
            case "", "ISO_IR 6": return StandardCharsets.US_ASCII;
            case "ISO_IR 100": return StandardCharsets.ISO_8859_1;
            case "ISO_IR 101": return cs("ISO-8859-2");
            case "ISO_IR 109": return cs("ISO-8859-3");
            case "ISO_IR 110": return cs("ISO-8859-4");
            case "ISO_IR 144": return cs("ISO-8859-5");
            case "ISO_IR 127": return cs("ISO-8859-6");
            case "ISO_IR 126": return cs("ISO-8859-7");
            case "ISO_IR 138": return cs("ISO-8859-8");
            case "ISO_IR 148": return cs("ISO-8859-9");
            case "ISO_IR 203": return cs("ISO-8859-15");
            case "ISO_IR 13": return cs("JIS_X0201");
            case "ISO_IR 166": return cs("x-iso-8859-11");
            case "ISO_IR 192": return StandardCharsets.UTF_8;
            case "GB18030": return cs("GB18030");
            case "GBK": return cs("GBK");
            default: return null;
        }
    }

    private static Charset cs(String name) {
        return Charset.forName(name);
    }

    private CharsetDecoder decoder(Charset c) {
        CharsetDecoder d = decoders.computeIfAbsent(c, k -> k.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        d.reset();
        return d;
    }
}
