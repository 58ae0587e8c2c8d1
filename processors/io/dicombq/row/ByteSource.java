package io.dicombq.row;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered input with the few reads a DICOM parser needs: 16/32/64-bit numbers in either byte
 * order, exact byte counts, peeking and skipping. Every read that cannot be completed throws
 * {@link EOFException}, so an input cut inside an element is always noticed (plain
 * {@code InputStream.skip} may skip past the end of a file without saying so, which is why
 * {@link #skipExactly} reads through). It is itself an InputStream so that a deflated data set can be
 * inflated from the bytes after the file meta header.
 */
final class ByteSource extends InputStream {

    /**
     * Buffer size: a typical header is 1-4 KiB, and allocating (and zeroing) a large buffer per
     * instance was the top cost of parsing; larger values stream through it in chunks.
     */
    static final int BUFFER_BYTES = 8 * 1024;

    private final InputStream in;
    private final byte[] buf;
    private int p;
    private int n;
    /** Bytes consumed so far (from this source's own start). */
    private long pos;
    boolean bigEndian;

    ByteSource(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    long position() {
        return pos;
    }

    /** True when at least {@code k} bytes (k at most the buffer size) are buffered or could be read. */
    boolean ensure(int k) throws IOException {
        if (n - p >= k) {
            return true;
        }
        if (p > 0) {
            System.arraycopy(buf, p, buf, 0, n - p);
            n -= p;
            p = 0;
        }
        while (n < k) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return false;
            }
            n += r;
        }
        return true;
    }

    boolean atEnd() throws IOException {
        return !ensure(1);
    }

    /** The next {@code k} bytes without consuming them (fewer at the end of the input). */
    byte[] peek(int k) throws IOException {
        ensure(k);
        int m = Math.min(k, n - p);
        byte[] out = new byte[m];
        System.arraycopy(buf, p, out, 0, m);
        return out;
    }

    int u16() throws IOException {
        need(2);
        int a = buf[p] & 0xFF;
        int b = buf[p + 1] & 0xFF;
        p += 2;
        pos += 2;
        return bigEndian ? a << 8 | b : b << 8 | a;
    }

    long u32() throws IOException {
        need(4);
        long v = bigEndian ? be(p, 4) : le(p, 4);
        p += 4;
        pos += 4;
        return v;
    }

    /** Two upper-case letters (an explicit VR) as a String, or null when they are not letters. */
    String vr() throws IOException {
        need(2);
        byte a = buf[p];
        byte b = buf[p + 1];
        p += 2;
        pos += 2;
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') {
            return null;
        }
        return VrNames.of(a, b);
    }

    byte[] bytes(int len) throws IOException {
        byte[] out = new byte[len];
        int off = 0;
        while (off < len) {
            if (p >= n && !ensure(1)) {
                throw new EOFException();
            }
            int m = Math.min(len - off, n - p);
            System.arraycopy(buf, p, out, off, m);
            p += m;
            off += m;
        }
        pos += len;
        return out;
    }

    /** Consumes {@code len} bytes by reading them (never holds more than the buffer). */
    void skipExactly(long len) throws IOException {
        long left = len;
        while (left > 0) {
            if (p >= n) {
                p = 0;
                n = 0;
                int r = in.read(buf, 0, buf.length);
                if (r < 0) {
                    throw new EOFException();
                }
                n = r;
            }
            int m = (int) Math.min(left, n - p);
            p += m;
            left -= m;
            pos += m;
        }
    }

    private void need(int k) throws IOException {
        if (n - p < k && !ensure(k)) {
            throw new EOFException();
        }
    }

    private long le(int at, int k) {
        long v = 0;
        for (int i = k - 1; i >= 0; i--) {
            v = v << 8 | (buf[at + i] & 0xFF);
        }
        return v;
    }

    private long be(int at, int k) {
        long v = 0;
        for (int i = 0; i < k; i++) {
            v = v << 8 | (buf[at + i] & 0xFF);
        }
        return v;
    }

    @Override
    public int read() throws IOException {
        if (p >= n && !ensure(1)) {
            return -1;
        }
        pos++;
        return buf[p++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (p >= n) {
            if (len >= buf.length) {
                int r = in.read(b, off, len); // large reads bypass the buffer
                if (r > 0) {
                    pos += r;
                }
                return r;
            }
            if (!ensure(1)) {
                return -1;
            }
        }
        int m = Math.min(len, n - p);
        System.arraycopy(buf, p, b, off, m);
        p += m;
        pos += m;
        return m;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Interned VR strings, so that element VRs compare cheaply and allocate nothing. */
    static final class VrNames {
        private static final String[] TABLE = new String[26 * 26];

        static {
            for (String vr : new String[] {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
                "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI",
                "UL", "UN", "UR", "US", "UT", "UV"}) {
                TABLE[(vr.charAt(0) - 'A') * 26 + vr.charAt(1) - 'A'] = vr;
            }
        }

        private VrNames() {
        }

        static String of(byte a, byte b) {
            String s = TABLE[(a - 'A') * 26 + b - 'A'];
            return s != null ? s : new String(new char[] {(char) a, (char) b});
        }

        static boolean known(String vr) {
            return vr.length() == 2 && vr.charAt(0) >= 'A' && vr.charAt(0) <= 'Z' && vr.charAt(1) >= 'A'
                    && vr.charAt(1) <= 'Z' && vr.equals(TABLE[(vr.charAt(0) - 'A') * 26 + vr.charAt(1) - 'A']);
        }
    }
}
