package io.dicombq.row;

import io.dicombq.InvalidDicomException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one DICOM instance (Part 10 file, or a bare data set without file meta header) and maps
 * it to a {@link ParsedInstance}. {@link DicomStreamParser} reads every transfer syntax
 * (explicit/implicit VR little endian, explicit VR big endian, deflated, encapsulated); reading
 * stops at the pixel data, which is never loaded, and values that will be dropped anyway (binary
 * VRs, 1 MiB or more) are read through without being held. Anything that is not a readable instance gives an
 * {@link InvalidDicomException} with a one-line reason.
 *
 * <p>Thread-safe: keep one and share it.
 */
public final class DicomInstanceReader {

    /** Default cap on one element's value length when the input size is unknown. */
    public static final long DEFAULT_MAX_ELEMENT_BYTES = 256L << 20;

    private static final int STUDY_UID = 0x0020000D;
    private static final int SERIES_UID = 0x0020000E;
    private static final int SOP_INSTANCE_UID = 0x00080018;
    private static final int SOP_CLASS_UID = 0x00080016;

    private final TagDictionary dictionary;
    private final RowMapper mapper;
    private final long maxElementBytes;

    public DicomInstanceReader() {
        this(DEFAULT_MAX_ELEMENT_BYTES);
    }

    /**
     * @param maxElementBytes longest value length accepted for one element (pixel data excepted,
     *                        it is never read); longer ones mean a corrupt or hostile input
     */
    public DicomInstanceReader(long maxElementBytes) {
        this.dictionary = TagDictionary.standard();
        this.mapper = new RowMapper(dictionary);
        this.maxElementBytes = maxElementBytes;
    }

    public ParsedInstance read(Path file) throws InvalidDicomException, IOException {
        // the file size is no bound for element lengths: a deflated data set inflates beyond it
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, maxElementBytes);
        }
    }

    public ParsedInstance read(InputStream in) throws InvalidDicomException, IOException {
        return read(in, maxElementBytes);
    }

    private ParsedInstance read(InputStream raw, long lengthLimit) throws InvalidDicomException, IOException {
        ByteSource in = new ByteSource(raw, ByteSource.BUFFER_BYTES);
        sniff(in.peek(132));
        List<String> warnings = new ArrayList<>();
        List<DicomElement> elements;
        try {
            DicomStreamParser.Parsed parsed = new DicomStreamParser(dictionary, lengthLimit, warnings).parse(in);
            elements = parsed.elements();
            if (parsed.transferSyntax() != null && find(elements, RowMapper.TRANSFER_SYNTAX_UID) == null) {
                // no file meta header: record the syntax the data set was actually read with
                elements.add(0, DicomElement.text(RowMapper.TRANSFER_SYNTAX_UID, "UI",
                        parsed.transferSyntax().getBytes(StandardCharsets.US_ASCII)));
            }
            if (parsed.pixelDataTag() != 0) {
                elements.add(DicomElement.binary(parsed.pixelDataTag(), "OB", 0));
            }
        } catch (java.util.zip.ZipException e) {
            throw new InvalidDicomException("malformed DICOM: the deflated data set is corrupt ("
                    + oneLine(e.getMessage()) + ")", e);
        } catch (RuntimeException e) {
            // a safety net: the parser checks what it reads, but a hostile input must never escape as a bug
            throw new InvalidDicomException("malformed DICOM: " + e.getClass().getSimpleName() + " "
                    + oneLine(e.getMessage()), e);
        }
        String study = uid(elements, STUDY_UID, "StudyInstanceUID (0020,000D)");
        String series = uid(elements, SERIES_UID, "SeriesInstanceUID (0020,000E)");
        String sop = uid(elements, SOP_INSTANCE_UID, "SOPInstanceUID (0008,0018)");
        DicomElement cls = find(elements, SOP_CLASS_UID);
        String sopClass = cls == null || cls.bytes() == null ? null : ascii(cls.bytes());
        RowMapper.Result result = mapper.map(elements);
        warnings.addAll(result.warnings());
        return new ParsedInstance(study, series, sop, sopClass, result.row(), warnings);
    }

    /** Rejects what is plainly not DICOM before the parser guesses at it. */
    private static void sniff(byte[] head) throws InvalidDicomException {
        if (head.length == 0) {
            throw new InvalidDicomException("not DICOM: the input is empty");
        }
        if (head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') {
            return;
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            throw new InvalidDicomException("not DICOM: the input is a ZIP archive");
        }
        if (head.length < 8) {
            throw new InvalidDicomException("not DICOM: only " + head.length + " bytes");
        }
        int le = (head[0] & 0xFF) | (head[1] & 0xFF) << 8;
        int be = (head[0] & 0xFF) << 8 | (head[1] & 0xFF);
        if (!plausibleFirstGroup(le) && !plausibleFirstGroup(be)) {
            throw new InvalidDicomException("not DICOM: no 'DICM' marker at byte 128 and the data does not start"
                    + " with a DICOM element");
        }
    }

    /** A data set without meta header starts with one of the low, even groups (0008 nearly always). */
    private static boolean plausibleFirstGroup(int group) {
        return group >= 0x0002 && group <= 0x0028 && (group & 1) == 0;
    }

    private static String uid(List<DicomElement> elements, int tag, String what) throws InvalidDicomException {
        DicomElement e = find(elements, tag);
        String v = e == null || e.bytes() == null ? "" : ascii(e.bytes());
        if (v.isEmpty()) {
            throw new InvalidDicomException("not a storable instance: " + what + " is missing");
        }
        return v;
    }

    private static DicomElement find(List<DicomElement> elements, int tag) {
        for (DicomElement e : elements) {
            if (e.tag() == tag) {
                return e;
            }
        }
        return null;
    }

    private static String ascii(byte[] b) {
        int end = b.length;
        while (end > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        int start = 0;
        while (start < end && b[start] == ' ') {
            start++;
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "(no detail)";
        }
        String t = s.replace('\n', ' ').replace('\r', ' ').trim();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
