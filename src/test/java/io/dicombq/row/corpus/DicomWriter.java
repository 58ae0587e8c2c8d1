package io.dicombq.row.corpus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A small DICOM encoder for generating test instances byte by byte, including ones no
 * well-behaved toolkit would write (wrong VRs, UN-encoded sequences, bad lengths). Test code only.
 */
public final class DicomWriter {

    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    public static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    /** One element: a value (bytes in little endian for binary VRs) or sequence items. */
    public record El(int tag, String vr, byte[] value, List<List<El>> items, boolean undefinedLength) {
    }

    public static El str(int tag, String vr, String value) {
        return new El(tag, vr, pad(value.getBytes(StandardCharsets.ISO_8859_1), vr), null, false);
    }

    public static El str(int tag, String vr, String value, Charset cs) {
        return new El(tag, vr, pad(value.getBytes(cs), vr), null, false);
    }

    public static El raw(int tag, String vr, byte[] value) {
        return new El(tag, vr, value, null, false);
    }

    public static El us(int tag, int... v) {
        byte[] b = new byte[v.length * 2];
        for (int i = 0; i < v.length; i++) {
            b[2 * i] = (byte) v[i];
            b[2 * i + 1] = (byte) (v[i] >>> 8);
        }
        return new El(tag, "US", b, null, false);
    }

    public static El ul(int tag, String vr, long... v) {
        byte[] b = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (v[i] >>> (8 * k));
            }
        }
        return new El(tag, vr, b, null, false);
    }

    public static El fd(int tag, double... v) {
        byte[] b = new byte[v.length * 8];
        for (int i = 0; i < v.length; i++) {
            long bits = Double.doubleToLongBits(v[i]);
            for (int k = 0; k < 8; k++) {
                b[8 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        return new El(tag, "FD", b, null, false);
    }

    public static El fl(int tag, float... v) {
        byte[] b = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToIntBits(v[i]);
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        return new El(tag, "FL", b, null, false);
    }

    @SafeVarargs
    public static El sq(int tag, boolean undefinedLength, List<El>... items) {
        return new El(tag, "SQ", null, List.of(items), undefinedLength);
    }

    public static byte[] pad(byte[] b, String vr) {
        if ((b.length & 1) == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = "UI".equals(vr) ? 0 : (byte) ' ';
        return p;
    }

    /** A Part 10 file (preamble, DICM, meta header) or, with meta false, the bare data set. */
    public static byte[] file(List<El> dataset, String transferSyntax, boolean meta) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (meta) {
            out.writeBytes(new byte[128]);
            out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
            List<El> m = new ArrayList<>();
            m.add(raw(0x00020001, "OB", new byte[] {0, 1}));
            m.add(str(0x00020002, "UI", find(dataset, 0x00080016)));
            m.add(str(0x00020003, "UI", find(dataset, 0x00080018)));
            m.add(str(0x00020010, "UI", transferSyntax));
            m.add(str(0x00020012, "UI", "1.2.826.0.1.3680043.10.1234"));
            byte[] body = encode(m, true, false);
            ByteArrayOutputStream hdr = new ByteArrayOutputStream();
            writeElement(hdr, ul(0x00020000, "UL", body.length), true, false);
            out.writeBytes(hdr.toByteArray());
            out.writeBytes(body);
        }
        boolean explicit = !IMPLICIT_LE.equals(transferSyntax);
        boolean big = EXPLICIT_BE.equals(transferSyntax);
        byte[] ds = encode(dataset, explicit, big);
        if (DEFLATED.equals(transferSyntax)) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater(Deflater.BEST_COMPRESSION, true))) {
                d.write(ds);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            ds = z.toByteArray();
        }
        out.writeBytes(ds);
        return out.toByteArray();
    }

    private static String find(List<El> ds, int tag) {
        for (El e : ds) {
            if (e.tag == tag) {
                return new String(e.value, StandardCharsets.ISO_8859_1).trim().replace("\0", "");
            }
        }
        return "1.2.3";
    }

    public static byte[] encode(List<El> elements, boolean explicit, boolean big) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (El e : elements) {
            writeElement(out, e, explicit, big);
        }
        return out.toByteArray();
    }

    private static void writeElement(ByteArrayOutputStream out, El e, boolean explicit, boolean big) {
        short16(out, e.tag >>> 16, big);
        short16(out, e.tag & 0xFFFF, big);
        byte[] value;
        if (e.items != null) {
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            for (List<El> item : e.items) {
                byte[] body = encode(item, explicit, big);
                short16(v, 0xFFFE, big);
                short16(v, 0xE000, big);
                int32(v, e.undefinedLength ? 0xFFFFFFFFL : body.length, big);
                v.writeBytes(body);
                if (e.undefinedLength) {
                    short16(v, 0xFFFE, big);
                    short16(v, 0xE00D, big);
                    int32(v, 0, big);
                }
            }
            if (e.undefinedLength) {
                short16(v, 0xFFFE, big);
                short16(v, 0xE0DD, big);
                int32(v, 0, big);
            }
            value = v.toByteArray();
        } else {
            value = big ? swap(e.vr, e.value) : e.value;
        }
        long len = e.items != null && e.undefinedLength ? 0xFFFFFFFFL : value.length;
        if (explicit) {
            out.writeBytes(e.vr.getBytes(StandardCharsets.US_ASCII));
            if (longVr(e.vr)) {
                out.write(0);
                out.write(0);
                int32(out, len, big);
            } else {
                short16(out, (int) len, big);
            }
        } else {
            int32(out, len, big);
        }
        out.writeBytes(value);
    }

    static boolean longVr(String vr) {
        return switch (vr) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV" -> true;
            default -> false;
        };
    }

    private static byte[] swap(String vr, byte[] v) {
        int w = switch (vr) {
            case "US", "SS", "OW", "AT" -> 2;
            case "UL", "SL", "FL", "OF", "OL" -> 4;
            case "FD", "OD", "SV", "UV", "OV" -> 8;
            default -> 1;
        };
        if (w == 1) {
            return v;
        }
        byte[] s = new byte[v.length];
        for (int i = 0; i + w <= v.length; i += w) {
            for (int k = 0; k < w; k++) {
                s[i + k] = v[i + w - 1 - k];
            }
        }
        return s;
    }

    private static void short16(ByteArrayOutputStream o, int v, boolean big) {
        if (big) {
            o.write(v >>> 8);
            o.write(v);
        } else {
            o.write(v);
            o.write(v >>> 8);
        }
    }

    private static void int32(ByteArrayOutputStream o, long v, boolean big) {
        if (big) {
            o.write((int) (v >>> 24));
            o.write((int) (v >>> 16));
            o.write((int) (v >>> 8));
            o.write((int) v);
        } else {
            o.write((int) v);
            o.write((int) (v >>> 8));
            o.write((int) (v >>> 16));
            o.write((int) (v >>> 24));
        }
    }
}
