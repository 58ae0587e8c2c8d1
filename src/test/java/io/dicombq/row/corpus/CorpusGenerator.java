package io.dicombq.row.corpus;

import static io.dicombq.row.corpus.DicomWriter.*;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the edge-case corpus (src/test/resources/corpus). Run by samples/corpus/make-corpus.sh;
 * the generated files are committed so tests need neither this class's output nor dcmtk.
 */
public final class CorpusGenerator {

    static final String SC = "1.2.840.10008.5.1.4.1.1.7";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/corpus");
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : corpus().entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".dcm"), e.getValue());
        }
        System.out.println("wrote " + corpus().size() + " instances to " + dir);
    }

    static int n = 0;

    /** Study/series/SOP UIDs and SOP class, plus the given elements, sorted by tag. */
    static List<El> ds(String sop, El... more) {
        List<El> l = new ArrayList<>(Arrays.asList(more));
        l.add(str(0x00080016, "UI", SC));
        l.add(str(0x00080018, "UI", "1.2.826.0.1.3680043.10.1." + sop));
        l.add(str(0x0020000D, "UI", "1.2.826.0.1.3680043.10.1.100"));
        l.add(str(0x0020000E, "UI", "1.2.826.0.1.3680043.10.1.100.1"));
        l.sort(Comparator.comparingLong(e -> e.tag() & 0xFFFFFFFFL));
        return l;
    }

    static El[] ctHeader() {
        return new El[] {
            str(0x00080005, "CS", "ISO_IR 100"),
            str(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL"),
            str(0x00080020, "DA", "20240131"),
            str(0x00080030, "TM", "101502.25"),
            str(0x00080060, "CS", "CT"),
            str(0x00080070, "LO", "ACME Medical"),
            sq(0x00081032, false, List.of(str(0x00080100, "SH", "CTHEAD"), str(0x00080102, "SH", "99LOCAL"),
                    str(0x00080104, "LO", "CT Head w/o contrast"))),
            str(0x00100010, "PN", "Doe^Jane^Q^Dr^PhD"),
            str(0x00100020, "LO", "PID-001"),
            str(0x00180050, "DS", "1.25"),
            str(0x00200013, "IS", "42"),
            str(0x00200032, "DS", "-125.0\\-125.0\\37.5"),
            str(0x00200037, "DS", "1\\0\\0\\0\\1\\0"),
            us(0x00280010, 512),
            us(0x00280011, 512),
            str(0x00181150, "IS", "1000"),
            fd(0x00189311, 0.984375),
        };
    }

    static byte[] pn(Charset cs, String... parts) {
        StringBuilder s = new StringBuilder();
        for (String p : parts) {
            s.append(p);
        }
        return pad(s.toString().getBytes(cs), "PN");
    }

    /** ESC + sequence, then the text's bytes in {@code cs}. */
    static byte[] esc(String seq, String text, Charset cs) {
        byte[] e = ("\u001b" + seq).getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = text.getBytes(cs);
        byte[] out = Arrays.copyOf(e, e.length + t.length);
        System.arraycopy(t, 0, out, e.length, t.length);
        return out;
    }

    static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] a(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<El> nest(int levels, El leaf) {
        List<El> item = List.of(leaf);
        for (int i = 0; i < levels; i++) {
            // ContentSequence inside ContentSequence ...
            item = List.of(str(0x0040A040, "CS", "CONTAINER"), sq(0x0040A730, i % 2 == 0, item));
        }
        return item;
    }

    public static Map<String, byte[]> corpus() {
        Map<String, byte[]> c = new LinkedHashMap<>();
        Charset utf8 = StandardCharsets.UTF_8;
        c.put("ts-explicit-le", file(ds("1", ctHeader()), EXPLICIT_LE, true));
        c.put("ts-implicit-le", file(ds("2", ctHeader()), IMPLICIT_LE, true));
        c.put("ts-explicit-be", file(ds("3", ctHeader()), EXPLICIT_BE, true));
        c.put("ts-deflated", file(ds("4", ctHeader()), DEFLATED, true));
        c.put("ts-no-meta-implicit", file(ds("5", ctHeader()), IMPLICIT_LE, false));
        c.put("ts-no-meta-explicit", file(ds("6", ctHeader()), EXPLICIT_LE, false));
        // encapsulated pixel data: undefined length OB with an empty offset table and one fragment
        byte[] frags = cat(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, 0, 0, 0, 0},
                new byte[] {(byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, 4, 0, 0, 0, (byte) 0xFF, (byte) 0xD8,
                    (byte) 0xFF, (byte) 0xD9},
                new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        List<El> enc = ds("7", str(0x00080060, "CS", "XC"), us(0x00280010, 8), us(0x00280011, 8));
        byte[] encFile = file(enc, JPEG_BASELINE, true);
        byte[] pixHeader = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1};
        c.put("ts-encapsulated", cat(encFile, pixHeader, frags));
        // native pixel data (64 KiB), never loaded
        c.put("pixel-data-native", file(ds("8", us(0x00280010, 128), us(0x00280011, 256), us(0x00280100, 16),
                raw(0x7FE00010, "OW", new byte[65536])), EXPLICIT_LE, true));
        // private sequence nested in a public one, and a private sequence holding a public one
        c.put("private-sequences", file(ds("9",
                sq(0x00081140, true, List.of(str(0x00081150, "UI", "1.2.3.4"), str(0x00291010, "LO", "ACME 1.0"),
                        sq(0x00291011, true, List.of(str(0x00291012, "LO", "deep private"),
                                str(0x00100020, "LO", "public inside private"))))),
                str(0x00290010, "LO", "ACME 1.0"),
                str(0x00291001, "LO", "first\\second"),
                us(0x00291002, 7),
                raw(0x00291003, "OB", new byte[] {1, 2, 3, 4}),
                sq(0x00291004, false, List.of(str(0x00291005, "SH", "p1")), List.of(str(0x00291005, "SH", "p2")))),
                EXPLICIT_LE, true));
        c.put("private-implicit", file(ds("10", str(0x00090010, "LO", "VENDOR"), str(0x00091001, "LO", "opaque"),
                sq(0x00091002, true, List.of(str(0x00091003, "LO", "inside"), str(0x00080100, "SH", "CODE1")))),
                IMPLICIT_LE, true));
        // a known sequence sent as UN: content is implicit VR little endian, undefined length
        byte[] unItems = cat(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, (byte) 0xE0, -1, -1, -1, -1},
                new byte[] {0x08, 0x00, 0x50, 0x11, 0x0A, 0, 0, 0}, a("1.2.840.99"),
                new byte[] {0x08, 0x00, 0x55, 0x11, 0x08, 0, 0, 0}, a("1.2.3.44"),
                new byte[] {(byte) 0xFE, (byte) 0xFF, 0x0D, (byte) 0xE0, 0, 0, 0, 0});
        c.put("un-sequence-defined", file(ds("11", raw(0x00081110, "UN", unItems)), EXPLICIT_LE, true));
        c.put("un-values", file(ds("12", raw(0x00080020, "UN", a("20230405")),
                raw(0x00280010, "UN", new byte[] {0, 2}), raw(0x00091010, "UN", a("private!")),
                raw(0x00100010, "UN", a("Un^Known "))), EXPLICIT_LE, true));
        // character sets
        c.put("cs-latin1", file(ds("20", str(0x00080005, "CS", "ISO_IR 100"),
                raw(0x00100010, "PN", pn(StandardCharsets.ISO_8859_1, "Buc^J\u00e9r\u00f4me")),
                raw(0x00081030, "LO", pad("\u00c9tude\\S\u00e9rie".getBytes(StandardCharsets.ISO_8859_1), "LO"))),
                EXPLICIT_LE, true));
        c.put("cs-utf8", file(ds("21", str(0x00080005, "CS", "ISO_IR 192"),
                raw(0x00100010, "PN", pn(utf8, "Wang^XiaoDong=\u738b^\u5c0f\u6771=")),
                raw(0x00081030, "LO", pad("\u00dcber \u65e5\u672c \ud83d\ude00".getBytes(utf8), "LO"))),
                EXPLICIT_LE, true));
        Charset jp = Charset.forName("ISO-2022-JP");
        c.put("cs-iso2022-ir87", file(ds("22", str(0x00080005, "CS", "\\ISO 2022 IR 87"),
                raw(0x00100010, "PN", pad(cat(a("Yamada^Tarou="), "\u5c71\u7530".getBytes(jp), a("^"),
                        "\u592a\u90ce".getBytes(jp), a("="), "\u3084\u307e\u3060".getBytes(jp), a("^"),
                        "\u305f\u308d\u3046".getBytes(jp)), "PN"))), EXPLICIT_LE, true));
        // IR 13 (half-width katakana in G1) with IR 87 (kanji in G0), PS3.5 H.3.2 style
        Charset x0201 = Charset.forName("JIS_X0201");
        c.put("cs-iso2022-ir13-ir87", file(ds("23", str(0x00080005, "CS", "ISO 2022 IR 13\\ISO 2022 IR 87"),
                raw(0x00100010, "PN", pad(cat("\uff94\uff8f\uff80\uff9e^\uff80\uff9b\uff73".getBytes(x0201), a("="),
                        "\u5c71\u7530".getBytes(jp), a("^"), "\u592a\u90ce".getBytes(jp), a("="),
                        "\u3084\u307e\u3060".getBytes(jp), a("^"), "\u305f\u308d\u3046".getBytes(jp)), "PN"))),
                EXPLICIT_LE, true));
        Charset kr = Charset.forName("EUC-KR");
        c.put("cs-iso2022-ir149", file(ds("24", str(0x00080005, "CS", "\\ISO 2022 IR 149"),
                raw(0x00100010, "PN", pad(cat(a("Hong^Gildong="), esc("$)C", "\u6d2a", kr), a("^"),
                        esc("$)C", "\u5409\u6d1e", kr), a("="), esc("$)C", "\ud64d", kr), a("^"),
                        esc("$)C", "\uae38\ub3d9", kr)), "PN"))), EXPLICIT_LE, true));
        // ST, LT and UT go through the same ISO 2022 decoding as the short string VRs; an unknown
        // escape sequence in an LT is kept (as ISO-8859-1) with a warning
        c.put("cs-iso2022-text-vrs", file(ds("31", str(0x00080005, "CS", "\\ISO 2022 IR 87"),
                raw(0x00080081, "ST", pad(cat(a("Tokyo "), "\u5c71\u7530".getBytes(jp), a(" 1-2")), "ST")),
                raw(0x00104000, "LT", pad(cat(a("odd "), a("\u001b$)Z"), a("x")), "LT")),
                raw(0x00204000, "LT", pad(cat("\u592a\u90ce".getBytes(jp), a("\\not split\r\n"),
                        "\u3084\u307e\u3060".getBytes(jp)), "LT")),
                raw(0x0040A160, "UT", pad(cat(a("Report: "), "\u65e5\u672c".getBytes(jp), a(".")), "UT"))),
                EXPLICIT_LE, true));
        Charset gb2312 = Charset.forName("GB2312");
        c.put("cs-iso2022-ir58", file(ds("25", str(0x00080005, "CS", "\\ISO 2022 IR 58"),
                raw(0x00100010, "PN", pad(cat(a("Zhang^XiaoDong="), esc("$)A", "\u5f20", gb2312), a("^"),
                        esc("$)A", "\u5c0f\u4e1c", gb2312), a("=")), "PN"))), EXPLICIT_LE, true));
        Charset gb18030 = Charset.forName("GB18030");
        c.put("cs-gb18030", file(ds("26", str(0x00080005, "CS", "GB18030"),
                raw(0x00100010, "PN", pn(gb18030, "Wang^XiaoDong=\u738b^\u5c0f\u6771=")),
                raw(0x00081030, "LO", pad("\u7b2c\u4e00\\\u7b2c\u4e8c".getBytes(gb18030), "LO"))),
                EXPLICIT_LE, true));
        String fiveC = gbkCharWithBackslashTrail();
        c.put("cs-gbk-backslash-byte", file(ds("27", str(0x00080005, "CS", "GBK"),
                raw(0x00081030, "LO", pad((fiveC + "A\\B" + fiveC).getBytes(Charset.forName("GBK")), "LO"))),
                EXPLICIT_LE, true));
        c.put("cs-cyrillic", file(ds("28", str(0x00080005, "CS", "ISO_IR 144"),
                raw(0x00100010, "PN", pn(Charset.forName("ISO-8859-5"), "\u041b\u044e\u043ace\u043c\u0431yp\u0433^\u0410\u043d\u043d\u0435\u0442"))),
                EXPLICIT_LE, true));
        c.put("cs-arabic", file(ds("29", str(0x00080005, "CS", "ISO_IR 127"),
                raw(0x00100010, "PN", pn(Charset.forName("ISO-8859-6"), "\u0642\u0628\u0627\u0646\u064a^\u0644\u0646\u0632\u0627\u0631"))),
                EXPLICIT_LE, true));
        c.put("cs-greek", file(ds("30", str(0x00080005, "CS", "ISO_IR 126"),
                raw(0x00100010, "PN", pn(Charset.forName("ISO-8859-7"), "\u0394\u03b9\u03bf\u03bd\u03c5\u03c3\u03b9\u03bf\u03c2"))),
                EXPLICIT_LE, true));
        c.put("cs-hebrew", file(ds("31", str(0x00080005, "CS", "ISO_IR 138"),
                raw(0x00100010, "PN", pn(Charset.forName("ISO-8859-8"), "\u05e9\u05e8\u05d5\u05df^\u05d3\u05d1\u05d5\u05e8\u05d4"))),
                EXPLICIT_LE, true));
        c.put("cs-thai", file(ds("32", str(0x00080005, "CS", "ISO_IR 166"),
                raw(0x00100010, "PN", pn(Charset.forName("x-iso-8859-11"), "\u0e1a\u0e38\u0e0d\u0e40\u0e01\u0e34\u0e14^\u0e17\u0e2d\u0e07"))),
                EXPLICIT_LE, true));
        c.put("cs-multi-latin-cyrillic", file(ds("33", str(0x00080005, "CS", "ISO 2022 IR 100\\ISO 2022 IR 144"),
                raw(0x00100010, "PN", pad(cat(a("M\u00fcller"), a("^"), esc("-L", "\u0418\u0432\u0430\u043d", Charset.forName("ISO-8859-5"))), "PN"))),
                EXPLICIT_LE, true));
        c.put("cs-bad-utf8", file(ds("34", str(0x00080005, "CS", "ISO_IR 192"),
                raw(0x00100010, "PN", pad(new byte[] {'B', 'a', 'd', '^', (byte) 0xC3, (byte) 0x28}, "PN"))),
                EXPLICIT_LE, true));
        c.put("cs-unknown-term", file(ds("35", str(0x00080005, "CS", "ISO_IR 999"),
                raw(0x00081030, "LO", pad(new byte[] {'c', 'a', 'f', (byte) 0xE9}, "LO"))), EXPLICIT_LE, true));
        // multi-frame: per-frame functional groups
        List<List<El>> frames = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            frames.add(List.of(sq(0x00209111, false, List.of(ul(0x00209157, "UL", 1, f + 1))),
                    sq(0x00209113, false, List.of(str(0x00200032, "DS", "0\\0\\" + (f * 2.5))))));
        }
        c.put("multiframe", file(ds("40", str(0x00280008, "IS", "4"), us(0x00280010, 4), us(0x00280011, 4),
                new El(0x52009230, "SQ", null, frames, false),
                raw(0x7FE00010, "OW", new byte[4 * 4 * 4 * 2])), EXPLICIT_LE, true));
        // deep SR: six levels of content with PN, DT, code and numeric values
        List<El> leaf = List.of(str(0x0040A040, "CS", "NUM"),
                sq(0x0040A300, false, List.of(str(0x0040A30A, "DS", "12.5"),
                        sq(0x004008EA, false, List.of(str(0x00080100, "SH", "mm"), str(0x00080102, "SH", "UCUM"))))),
                str(0x0040A123, "PN", "Observer^Olga"), str(0x0040A120, "DT", "20240102030405.5+0100"));
        List<El> sr = leaf;
        for (int i = 0; i < 5; i++) {
            sr = List.of(str(0x0040A010, "CS", "CONTAINS"), str(0x0040A040, "CS", "CONTAINER"), sq(0x0040A730, true, sr));
        }
        List<El> srTop = new ArrayList<>(sr);
        srTop.add(str(0x00080060, "CS", "SR"));
        c.put("deep-sr", file(ds("41", srTop.toArray(El[]::new)), EXPLICIT_LE, true));
        c.put("rt-plan", file(ds("42", str(0x00080060, "CS", "RTPLAN"), str(0x300A0002, "SH", "PLAN1"),
                sq(0x300A00B0, false, List.of(str(0x300A00C2, "LO", "Beam 1"), str(0x300A00C6, "CS", "DYNAMIC"),
                        str(0x300A00C0, "IS", "1"),
                        sq(0x300A0111, false,
                                List.of(str(0x300A0112, "IS", "0"), str(0x300A011E, "DS", "180"),
                                        str(0x300A011C, "DS", "-50\\50")),
                                List.of(str(0x300A0112, "IS", "1"), str(0x300A011E, "DS", "181.5")))))),
                EXPLICIT_LE, true));
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 'A');
        byte[] almost = new byte[(1 << 20) - 2];
        Arrays.fill(almost, (byte) 'B');
        c.put("value-1mib", file(ds("43", raw(0x00204000, "LT", a("short comment")),
                raw(0x00321066, "UT", mib), raw(0x00400280, "ST", a("ok")),
                raw(0x0040A160, "UT", almost)), DEFLATED, true));
        c.put("depth-16", file(ds("44", nest(16, str(0x00080100, "SH", "LEAF")).toArray(El[]::new)), EXPLICIT_LE, true));
        c.put("depth-15", file(ds("45", nest(15, str(0x00080100, "SH", "LEAF")).toArray(El[]::new)), EXPLICIT_LE, true));
        c.put("dates-and-times", file(ds("46",
                str(0x00080012, "DA", "2020.01.02"), str(0x00080013, "TM", "12:30:00"),
                str(0x00080020, "DA", "2020130"), str(0x00080021, "DA", "2019"),
                str(0x00080030, "TM", "25"), str(0x00080031, "TM", "0930"), str(0x00080032, "TM", "101010.123"),
                str(0x0008002A, "DT", "20200102030405.123456+0530"), str(0x00080201, "SH", "-0500"),
                str(0x00181202, "DT", "2021"), str(0x00181203, "DA", "20210230"),
                str(0x00181201, "TM", "235959"), str(0x00100030, "DA", "19700101"),
                str(0x00400244, "DA", "20240229"), str(0x00400245, "TM", "nonsense"),
                str(0x00400002, "DA", "20240101\\20240102")), EXPLICIT_LE, true));
        c.put("vm-and-type-mismatch", file(ds("47", str(0x00080060, "CS", "CT\\MR"),
                us(0x00280010, 512, 256), fd(0x00189311, Double.NaN), str(0x00200013, "IS", "abc"),
                str(0x00080020, "LO", "20240101"), str(0x00100010, "LO", "Not^APersonName"),
                str(0x00280030, "DS", "0.5\\0.5"), fl(0x00189345, 1.5f, 2.5f),
                raw(0x00209165, "AT", new byte[] {0x10, 0, 0x20, 0, 0x08, 0, 0x20, 0}),
                str(0x00089999, "LO", "unknown public")), EXPLICIT_LE, true));
        c.put("empty-values", file(ds("48", raw(0x00080020, "DA", new byte[0]), raw(0x00100010, "PN", new byte[0]),
                raw(0x00100020, "LO", a("  ")), raw(0x00080008, "CS", new byte[0]), sq(0x00081110, false),
                sq(0x00081140, true, List.of()), raw(0x00280010, "US", new byte[0]),
                str(0x00200020, "CS", "A\\\\P")), EXPLICIT_LE, true));
        c.put("overlays-and-lengths", file(ds("49", ul(0x00080000, "UL", 100), us(0x60000010, 16), us(0x60000011, 16),
                raw(0x60003000, "OW", new byte[32]), us(0x60020010, 8), us(0x60020011, 8),
                str(0x60020022, "LO", "second overlay")), EXPLICIT_LE, true));
        c.put("big-endian-private-and-numbers", file(ds("50", str(0x00080005, "CS", "ISO_IR 100"),
                us(0x00181310, 0, 256, 256, 0),
                fd(0x00189311, -3.25), str(0x00209158, "LT", "big endian"),
                str(0x00290010, "LO", "ACME"), sq(0x00291001, true, List.of(us(0x00280010, 3)))), EXPLICIT_BE, true));
        return c;
    }

    /** A CJK character whose GBK encoding ends in 0x5C, the backslash byte. */
    public static String gbkCharWithBackslashTrail() {
        Charset gbk = Charset.forName("GBK");
        for (char ch = '\u4e00'; ch < '\u9fa5'; ch++) {
            byte[] b = String.valueOf(ch).getBytes(gbk);
            if (b.length == 2 && b[1] == 0x5C) {
                return String.valueOf(ch);
            }
        }
        throw new IllegalStateException("no GBK character with a 0x5C trail byte");
    }
}
