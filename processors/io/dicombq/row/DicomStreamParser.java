package io.dicombq.row;

import io.dicombq.InvalidDicomException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A streaming DICOM data set parser that turns the bytes straight into {@link DicomElement}s.
 *
 * <p>Why not a general DICOM toolkit: the row needs every text value's <em>raw bytes</em> (so
 * that our {@link TextDecoder} applies the Specific Character Set, ISO 2022 escapes included;
 * PixelMed decodes while reading and rejects some ISO 2022 sets), it must notice an input cut
 * inside any element, and it must never hold a value it will drop anyway (binary VRs, values of
 * 1 MiB or more, the pixel data): those are read through a fixed buffer and forgotten.
 *
 * <p>Handles explicit and implicit VR little endian, explicit VR big endian, deflated data sets,
 * data sets without a file meta header, defined and undefined lengths, UN elements (PS3.5 6.2.2:
 * re-read with the dictionary VR; undefined-length UN is an implicit VR little endian sequence)
 * and encapsulated fragments inside sequences. Reading stops at the top-level pixel data.
 *
 * <p>One instance per file (it collects warnings).
 */
final class DicomStreamParser {

    static final long UNDEFINED = 0xFFFFFFFFL;
    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    /** Far beyond anything real (BigQuery keeps 15 levels); protects the stack from hostile nesting. */
    private static final int MAX_NESTING = 128;
    /**
     * Elements per instance. Enhanced multi-frame headers reach a few hundred thousand; the cap
     * keeps a deflate bomb (a small file inflating to millions of tiny elements) from filling memory.
     */
    static final int MAX_ELEMENTS = 2_000_000;
    private static final Comparator<DicomElement> BY_TAG = (a, b) -> Integer.compareUnsigned(a.tag(), b.tag());

    /** What was read: the elements (file meta included), the syntax of the data set, the pixel data tag. */
    record Parsed(List<DicomElement> elements, String transferSyntax, int pixelDataTag) {
    }

    private final TagDictionary dictionary;
    private final long maxElementBytes;
    private final List<String> warnings;
    private boolean explicit;
    private int pixelDataTag;
    /** The element being read, for the "truncated" message. */
    private int current = -1;
    private int count;
    private final int maxElements;
    /** {@link #current} while a tag is being read. */
    private static final int HEADER = -2;

    DicomStreamParser(TagDictionary dictionary, long maxElementBytes, List<String> warnings) {
        this(dictionary, maxElementBytes, warnings, MAX_ELEMENTS);
    }

    DicomStreamParser(TagDictionary dictionary, long maxElementBytes, List<String> warnings, int maxElements) {
        this.dictionary = dictionary;
        this.maxElementBytes = maxElementBytes;
        this.warnings = warnings;
        this.maxElements = maxElements;
    }

    Parsed parse(ByteSource src) throws IOException, InvalidDicomException {
        try {
            return parseChecked(src);
        } catch (EOFException e) {
            throw new InvalidDicomException("truncated DICOM: the input ends inside "
                    + (current == HEADER ? "an element's tag" : current == -1 ? "the file meta header"
                    : DicomElement.tagName(current) + keywordOf(current)));
        }
    }

    /** " (Keyword)" for a dictionary tag, so a reason names what a person would recognise. */
    private String keywordOf(int tag) {
        TagDictionary.Entry entry = dictionary.lookup(tag);
        return entry == null || entry.keyword() == null ? "" : " (" + entry.keyword() + ")";
    }

    private Parsed parseChecked(ByteSource src) throws IOException, InvalidDicomException {
        List<DicomElement> meta = new ArrayList<>();
        byte[] head = src.peek(132);
        boolean preamble = head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C'
                && head[131] == 'M';
        if (preamble) {
            src.skipExactly(132);
        }
        String ts = null;
        byte[] start = src.peek(6);
        if (start.length >= 2 && (start[0] & 0xFF) == 0x02 && start[1] == 0) {
            src.bigEndian = false;
            explicit = true;
            while (true) {
                byte[] g = src.peek(2);
                if (g.length < 2 || g[0] != 0x02 || g[1] != 0) {
                    break;
                }
                DicomElement e = element(src, 0, true);
                if (e == null) {
                    break;
                }
                meta.add(e);
                if (e.tag() == RowMapper.TRANSFER_SYNTAX_UID && e.bytes() != null) {
                    ts = trimUid(e.bytes());
                }
            }
        }
        if (ts == null) {
            ts = guessSyntax(src.peek(6));
        }
        ByteSource data = src;
        Inflater inflater = null;
        try {
            if (DEFLATED.equals(ts)) {
                inflater = new Inflater(true); // raw deflate, PS3.5 A.5
                data = new ByteSource(new InflaterInputStream(src, inflater, ByteSource.BUFFER_BYTES),
                        ByteSource.BUFFER_BYTES);
            }
            data.bigEndian = EXPLICIT_BE.equals(ts);
            explicit = !IMPLICIT_LE.equals(ts);
            List<DicomElement> elements = dataset(data, -1, 0, true);
            if (!meta.isEmpty()) {
                meta.addAll(elements);
                elements = meta;
            }
            return new Parsed(elements, ts, pixelDataTag);
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** Without a meta header: explicit VR when bytes 4-5 are a VR, big endian when the group reads so. */
    private static String guessSyntax(byte[] h) {
        if (h.length < 6) {
            return IMPLICIT_LE;
        }
        boolean vr = h[4] >= 'A' && h[4] <= 'Z' && h[5] >= 'A' && h[5] <= 'Z'
                && ByteSource.VrNames.known(ByteSource.VrNames.of(h[4], h[5]));
        boolean le = h[1] == 0 && h[0] != 0;
        if (!vr) {
            return IMPLICIT_LE;
        }
        return le ? EXPLICIT_LE : EXPLICIT_BE;
    }

    /**
     * Elements until {@code end} (a position), or until an item delimiter when {@code end} is -1
     * inside a sequence, or until the end of the input at the top level.
     */
    private List<DicomElement> dataset(ByteSource src, long end, int depth, boolean top)
            throws IOException, InvalidDicomException {
        List<DicomElement> out = new ArrayList<>();
        while (true) {
            if (end >= 0) {
                if (src.position() >= end) {
                    if (src.position() > end) {
                        throw new InvalidDicomException("malformed DICOM: an element overruns its item ("
                                + DicomElement.tagName(current) + ")");
                    }
                    break;
                }
            } else if (top && src.atEnd()) {
                break;
            }
            current = HEADER;
            int group = src.u16();
            int elem = src.u16();
            if (group == 0xFFFE) {
                long len = src.u32();
                if (elem == 0xE00D && end < 0 && !top) {
                    break; // end of an undefined-length item
                }
                if (elem == 0xE000) {
                    throw new InvalidDicomException("malformed DICOM: an item outside a sequence");
                }
                if (len != 0 && len != UNDEFINED) {
                    src.skipExactly(len); // a stray delimiter with a value: tolerated, as other toolkits do
                }
                continue;
            }
            int tag = group << 16 | elem;
            if (top && group == 0x7FE0 && (elem == 0x0010 || elem == 0x0008 || elem == 0x0009)) {
                pixelDataTag = tag; // never read: everything that matters comes before it
                break;
            }
            DicomElement e = rest(src, tag, depth, explicit);
            if (e != null) {
                out.add(e);
            }
        }
        return sorted(out);
    }

    /** File order is tag order in valid files; when not, keep the last of duplicates, like a map. */
    private static List<DicomElement> sorted(List<DicomElement> list) {
        for (int i = 1; i < list.size(); i++) {
            if (Integer.compareUnsigned(list.get(i - 1).tag(), list.get(i).tag()) >= 0) {
                List<DicomElement> s = new ArrayList<>(list);
                s.sort(BY_TAG); // stable: duplicates stay in file order
                List<DicomElement> out = new ArrayList<>(s.size());
                for (DicomElement e : s) {
                    if (!out.isEmpty() && out.get(out.size() - 1).tag() == e.tag()) {
                        out.set(out.size() - 1, e);
                    } else {
                        out.add(e);
                    }
                }
                return out;
            }
        }
        return list;
    }

    /** One element of the file meta header (explicit VR little endian). */
    private DicomElement element(ByteSource src, int depth, boolean explicitVr) throws IOException, InvalidDicomException {
        int group = src.u16();
        int elem = src.u16();
        return rest(src, group << 16 | elem, depth, explicitVr);
    }

    /** The VR, length and value of an element whose tag has been read. */
    private DicomElement rest(ByteSource src, int tag, int depth, boolean explicitVr)
            throws IOException, InvalidDicomException {
        current = tag;
        if (++count > maxElements) {
            throw new InvalidDicomException("malformed DICOM: more than " + maxElements + " elements");
        }
        String vr;
        long len;
        if (explicitVr) {
            vr = src.vr();
            if (vr == null) {
                throw new InvalidDicomException("malformed DICOM: no valid VR for " + DicomElement.tagName(tag));
            }
            if (longLength(vr)) {
                src.u16(); // reserved
                len = src.u32();
            } else {
                len = src.u16();
            }
        } else {
            vr = implicitVr(tag);
            len = src.u32();
        }
        if (len == UNDEFINED) {
            if ("SQ".equals(vr) || !explicitVr) {
                return DicomElement.sequence(tag, items(src, UNDEFINED, depth + 1));
            }
            if ("UN".equals(vr)) {
                // PS3.5 6.2.2: an undefined-length UN is a sequence in implicit VR little endian
                boolean wasExplicit = explicit;
                boolean wasBig = src.bigEndian;
                explicit = false;
                src.bigEndian = false;
                try {
                    return DicomElement.sequence(tag, items(src, UNDEFINED, depth + 1));
                } finally {
                    explicit = wasExplicit;
                    src.bigEndian = wasBig;
                }
            }
            if (vr.charAt(0) == 'O') {
                return DicomElement.binary(tag, vr, skipFragments(src)); // e.g. an encapsulated icon
            }
            throw new InvalidDicomException("malformed DICOM: undefined length for " + vr + " "
                    + DicomElement.tagName(tag));
        }
        if (len > maxElementBytes) {
            throw new InvalidDicomException("malformed DICOM: value length " + len + " of "
                    + DicomElement.tagName(tag) + " is larger than the input allows (" + maxElementBytes + " bytes)");
        }
        if ("SQ".equals(vr)) {
            return DicomElement.sequence(tag, items(src, len, depth + 1));
        }
        if (!explicitVr && "UN".equals(vr) && len >= 8 && looksLikeItem(src)) {
            return DicomElement.sequence(tag, items(src, len, depth + 1)); // a private sequence, implicit VR
        }
        if (len >= RowMapper.MAX_VALUE_BYTES) {
            src.skipExactly(len); // dropped by the mapper anyway: read through, never held
            return DicomElement.binary(tag, vr, len);
        }
        if ("UN".equals(vr)) {
            return unknown(src, tag, (int) len, depth);
        }
        return value(src, tag, vr, (int) len, src.bigEndian);
    }

    /** A defined-length value of a VR that is not SQ or UN. */
    private static DicomElement value(ByteSource src, int tag, String vr, int len, boolean big) throws IOException {
        switch (vr) {
            case "US", "SS", "UL", "SL", "SV", "UV", "AT", "FL", "FD":
                return numbers(tag, vr, src.bytes(len), big);
            default:
                if (ColumnTypes.of(vr) == null) {
                    src.skipExactly(len); // OB OW OF OD OL OV and unknown VRs: no column, never held
                    return DicomElement.binary(tag, vr, len);
                }
                return DicomElement.text(tag, vr, src.bytes(len));
        }
    }

    private static DicomElement numbers(int tag, String vr, byte[] b, boolean big) {
        int size = switch (vr) {
            case "US", "SS" -> 2;
            case "UL", "SL", "FL", "AT" -> 4;
            default -> 8;
        };
        int count = b.length / size;
        if ("FL".equals(vr) || "FD".equals(vr)) {
            double[] v = new double[count];
            for (int i = 0; i < count; i++) {
                long bits = read(b, i * size, size, big);
                v[i] = size == 4 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
            }
            return new DicomElement(tag, vr, null, null, v, null, b.length);
        }
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
            if ("AT".equals(vr)) {
                // a tag is two 16-bit numbers, each in the syntax's byte order
                v[i] = read(b, i * 4, 2, big) << 16 | read(b, i * 4 + 2, 2, big);
                continue;
            }
            long x = read(b, i * size, size, big);
            v[i] = switch (vr) {
                case "SS" -> (short) x;
                case "SL" -> (int) x;
                default -> x; // US, UL unsigned; SV, UV as 64-bit two's complement
            };
        }
        return new DicomElement(tag, vr, null, v, null, null, b.length);
    }

    private static long read(byte[] b, int at, int size, boolean big) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = v << 8 | (b[big ? at + i : at + size - 1 - i] & 0xFF);
        }
        return v;
    }

    /**
     * A defined-length UN: re-read with the dictionary VR when the tag is known (its value is the
     * value as encoded in implicit VR little endian, PS3.5 6.2.2), else kept as binary (dropped).
     */
    private DicomElement unknown(ByteSource src, int tag, int len, int depth) throws IOException, InvalidDicomException {
        TagDictionary.Entry entry = (tag & 0x00010000) != 0 ? null : dictionary.lookup(tag);
        String vr = entry == null ? "UN" : concreteVr(entry.vr());
        if ("UN".equals(vr) || ColumnTypes.of(vr) == null && !"SQ".equals(vr)) {
            src.skipExactly(len);
            return DicomElement.binary(tag, "UN", len);
        }
        byte[] b = src.bytes(len);
        if (!"SQ".equals(vr)) {
            return switch (vr) {
                case "US", "SS", "UL", "SL", "SV", "UV", "AT", "FL", "FD" -> numbers(tag, vr, b, false);
                default -> DicomElement.text(tag, vr, b);
            };
        }
        ByteSource inner = new ByteSource(new ByteArrayInputStream(b), 4096);
        boolean wasExplicit = explicit;
        int wasCurrent = current;
        explicit = false;
        try {
            return DicomElement.sequence(tag, items(inner, len, depth + 1));
        } catch (EOFException | InvalidDicomException e) {
            warnings.add(DicomElement.tagName(tag) + " " + entry.keyword() + ": UN value could not be re-read as SQ"
                    + " (" + (e.getMessage() == null ? "it ends inside an element" : e.getMessage()) + "): dropped");
            return DicomElement.binary(tag, "UN", len);
        } finally {
            explicit = wasExplicit;
            current = wasCurrent;
        }
    }

    /** Items of a sequence; {@code len} is its value length or {@link #UNDEFINED}. */
    private List<List<DicomElement>> items(ByteSource src, long len, int depth) throws IOException, InvalidDicomException {
        if (depth > MAX_NESTING) {
            throw new InvalidDicomException("malformed DICOM: sequences nested more than " + MAX_NESTING + " deep");
        }
        int seqTag = current;
        long end = len == UNDEFINED ? -1 : src.position() + len;
        List<List<DicomElement>> items = new ArrayList<>();
        while (end < 0 || src.position() < end) {
            int group = src.u16();
            int elem = src.u16();
            long ilen = src.u32();
            if (group == 0xFFFE && elem == 0xE0DD) {
                break;
            }
            if (group != 0xFFFE || elem != 0xE000) {
                throw new InvalidDicomException("malformed DICOM: expected an item in "
                        + DicomElement.tagName(seqTag) + ", found " + DicomElement.tagName(group << 16 | elem));
            }
            items.add(dataset(src, ilen == UNDEFINED ? -1 : src.position() + ilen, depth, false));
            current = seqTag;
        }
        if (end >= 0 && src.position() > end) {
            throw new InvalidDicomException("malformed DICOM: an item overruns " + DicomElement.tagName(seqTag));
        }
        return items;
    }

    /** Skips encapsulated fragments up to the sequence delimiter; returns the bytes skipped. */
    private static long skipFragments(ByteSource src) throws IOException, InvalidDicomException {
        long total = 0;
        while (true) {
            int group = src.u16();
            int elem = src.u16();
            long len = src.u32();
            if (group == 0xFFFE && elem == 0xE0DD) {
                return total;
            }
            if (group != 0xFFFE || elem != 0xE000 || len == UNDEFINED) {
                throw new InvalidDicomException("malformed DICOM: bad encapsulated fragment");
            }
            src.skipExactly(len);
            total += len;
        }
    }

    /** Implicit VR: a defined-length element of unknown VR is a sequence when it starts with an item tag. */
    private static boolean looksLikeItem(ByteSource src) throws IOException {
        byte[] b = src.peek(4);
        return b.length == 4 && (src.bigEndian
                ? (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE && (b[2] & 0xFF) == 0xE0 && b[3] == 0
                : (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF && b[2] == 0 && (b[3] & 0xFF) == 0xE0);
    }

    /** The VR an implicit VR file leaves to the dictionary; private data elements are UN. */
    private String implicitVr(int tag) {
        int elem = tag & 0xFFFF;
        if (elem == 0) {
            return "UL"; // group length
        }
        if ((tag & 0x00010000) != 0) {
            return elem >= 0x0010 && elem <= 0x00FF ? "LO" : "UN"; // private creators are LO
        }
        TagDictionary.Entry e = dictionary.lookup(tag);
        return e == null ? "UN" : concreteVr(e.vr());
    }

    /** Dictionary VRs with alternatives: the one an implicit VR reader must assume. */
    private static String concreteVr(String vr) {
        return switch (vr) {
            case "XS" -> "US";      // US or SS: sign unknown without Pixel Representation
            case "OX", "US or OW" -> "OW"; // pixel-sized data: binary
            case "NONE" -> "UN";
            default -> vr;
        };
    }

    private static boolean longLength(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
            default -> false;
        };
    }

    private static String trimUid(byte[] b) {
        int end = b.length;
        while (end > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.US_ASCII).trim();
    }
}
