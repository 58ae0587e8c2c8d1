package io.dicombq.row;

import java.util.List;

/**
 * One data element as read from a file, independent of the parser, so the mapping can be
 * tested without files. Text VRs carry their raw bytes (decoded later with the instance's
 * character set); binary numbers arrive already decoded; a sequence carries its items; a
 * binary (OB/OW/UN ...) element carries only its length, or its bytes for UN when they may
 * still be re-read.
 *
 * @param tag     (group << 16) | element
 * @param vr      the VR the file used (explicit VR) or the parser's choice (implicit VR)
 * @param bytes   raw value of a text or UN element, else null
 * @param longs   values of SS US SL UL SV UV AT, else null
 * @param doubles values of FL FD, else null
 * @param items   items of an SQ, else null
 * @param length  value length in bytes (for binary elements the only thing kept)
 */
public record DicomElement(int tag, String vr, byte[] bytes, long[] longs, double[] doubles,
                           List<List<DicomElement>> items, long length) {

    public static DicomElement text(int tag, String vr, byte[] bytes) {
        return new DicomElement(tag, vr, bytes, null, null, null, bytes.length);
    }

    public static DicomElement ints(int tag, String vr, long... values) {
        return new DicomElement(tag, vr, null, values, null, null, values.length * 4L);
    }

    public static DicomElement floats(int tag, String vr, double... values) {
        return new DicomElement(tag, vr, null, null, values, null, values.length * 8L);
    }

    public static DicomElement sequence(int tag, List<List<DicomElement>> items) {
        return new DicomElement(tag, "SQ", null, null, null, List.copyOf(items), 0);
    }

    public static DicomElement binary(int tag, String vr, long length) {
        return new DicomElement(tag, vr, null, null, null, null, length);
    }

    public int group() {
        return tag >>> 16;
    }

    public boolean isPrivate() {
        return (group() & 1) == 1;
    }

    /** {@code Tag_GGGGEEEE}, the name used for elements without a keyword. */
    public String tagName() {
        return tagName(tag);
    }

    public static String tagName(int tag) {
        char[] out = {'T', 'a', 'g', '_', 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 8; i++) {
            out[4 + i] = HEX[(tag >>> (28 - 4 * i)) & 0xF];
        }
        return new String(out);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
