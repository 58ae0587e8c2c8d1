package io.dicombq.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the benchmark corpus from the template instances in bench/templates (dcmtk dumps turned
 * into files by run.sh): every copy gets its own study, series and SOP instance UIDs, written
 * over the templates' placeholder UIDs byte for byte (same length, so no lengths change), and
 * CT and MR images get 256x256 16-bit pixel data appended as the last element.
 */
final class CorpusMaker {
    static final String STUDY = "1.2.826.0.1.3680043.10.9999.111111111111";
    static final String SERIES = "1.2.826.0.1.3680043.10.9999.222222222222";
    static final String SOP = "1.2.826.0.1.3680043.10.9999.333333333333";
    private static final int PIXELS = 256 * 256 * 2;

    /** Modality mix of a hospital day: mostly images, some reports and RT objects. */
    private static final String[] MIX = {"ct", "ct", "ct", "ct", "ct", "mr", "mr", "mr", "sr", "rt"};

    private final Path templates;
    private final String runTag;

    /** Same templates, other UIDs. */
    CorpusMaker(CorpusMaker other, long seed) {
        this(other.templates, seed);
    }

    CorpusMaker(Path templates, long seed) {
        this.templates = templates;
        this.runTag = String.format("%03d", Math.floorMod(seed, 1000));
    }

    /** Writes {@code count} instances to {@code dir}; studies of 100 instances, series of 25. */
    List<Path> make(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        byte[][] tpl = new byte[MIX.length][];
        for (int i = 0; i < MIX.length; i++) {
            tpl[i] = Files.readAllBytes(templates.resolve(MIX[i] + ".dcm"));
        }
        byte[] pixels = new byte[PIXELS];
        new Random(42).nextBytes(pixels);
        for (int i = 1; i < pixels.length; i += 2) {
            pixels[i] &= 0x0F; // 12-bit values
        }
        List<Path> files = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = i % MIX.length;
            byte[] b = tpl[kind].clone();
            replace(b, STUDY, uid(1, i / 100));
            replace(b, SERIES, uid(2, i / 25));
            replace(b, SOP, uid(3, i));
            Path f = dir.resolve(String.format("%s-%06d.dcm", MIX[kind], i));
            try (OutputStream out = Files.newOutputStream(f)) {
                out.write(b);
                if (MIX[kind].equals("ct") || MIX[kind].equals("mr")) {
                    out.write(pixelHeader(PIXELS));
                    out.write(pixels);
                }
            }
            files.add(f);
        }
        return files;
    }

    /** A 1 GB-class multi-frame CT: the CT template with NumberOfFrames and {@code frames} frames of 256x256. */
    Path makeMultiFrame(Path file, int frames) throws IOException {
        byte[] b = Files.readAllBytes(templates.resolve("ct-multiframe.dcm"));
        replace(b, STUDY, uid(1, 999_000));
        replace(b, SERIES, uid(2, 999_000));
        replace(b, SOP, uid(3, 999_000));
        byte[] frame = new byte[PIXELS];
        new Random(7).nextBytes(frame);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(b);
            out.write(pixelHeader((long) PIXELS * frames));
            for (int i = 0; i < frames; i++) {
                out.write(frame);
            }
        }
        return file;
    }

    /**
     * The bytes of one of this maker's instances with its study, series and SOP instance UIDs moved
     * to another run tag (three digits): the same instance under new UIDs, every length unchanged.
     */
    byte[] retagged(byte[] instance, String tag) {
        byte[] b = instance.clone();
        for (int level = 1; level <= 3; level++) {
            replace(b, "10.7777." + level + runTag, "10.7777." + level + tag);
        }
        return b;
    }

    String runTag() {
        return runTag;
    }

    /** 40 characters like the placeholders: 28-char root, then a 12-digit component that never starts with 0. */
    String uid(int level, int n) {
        return "1.2.826.0.1.3680043.10.7777." + level + runTag + String.format("%08d", n);
    }

    /** (7FE0,0010) OW in explicit VR little endian: tag, VR, 2 reserved bytes, 32-bit length. */
    private static byte[] pixelHeader(long length) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x7FE0).putShort((short) 0x0010)
                .put((byte) 'O').put((byte) 'W').putShort((short) 0)
                .putInt((int) length).array();
    }

    private static void replace(byte[] b, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        if (f.length != t.length) {
            throw new IllegalArgumentException("UID lengths differ: " + from + " / " + to);
        }
        outer:
        for (int i = 0; i + f.length <= b.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (b[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, b, i, t.length);
        }
    }
}
