package io.dicombq.row;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TextAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns PixelMed's attribute lists into {@link DicomElement}s. Text keeps its original bytes (the
 * mapper decodes them with the instance's character set, which PixelMed does only partly), and UN
 * elements whose tag the dictionary knows are re-read with the dictionary VR: PS3.5 6.2.2 says a
 * UN value is the element as it was encoded in implicit VR little endian, so PixelMed itself
 * re-parses it from an implicit VR stream.
 */
final class PixelMedElements {

    private static final String IMPLICIT_VR_LE = "1.2.840.10008.1.2";

    private final TagDictionary dictionary;
    private final List<String> warnings;

    PixelMedElements(TagDictionary dictionary, List<String> warnings) {
        this.dictionary = dictionary;
        this.warnings = warnings;
    }

    List<DicomElement> convert(AttributeList list) throws DicomException {
        List<DicomElement> out = new ArrayList<>(list.size());
        for (Attribute a : list.values()) {
            out.add(convert(a));
        }
        return out;
    }

    private DicomElement convert(Attribute a) throws DicomException {
        AttributeTag t = a.getTag();
        int tag = (t.getGroup() << 16) | t.getElement();
        String vr = a.getVRAsString();
        if (a instanceof SequenceAttribute sq) {
            List<List<DicomElement>> items = new ArrayList<>(sq.getNumberOfItems());
            for (int i = 0; i < sq.getNumberOfItems(); i++) {
                items.add(convert(sq.getItem(i).getAttributeList()));
            }
            return DicomElement.sequence(tag, items);
        }
        if (a instanceof StringAttribute s) {
            byte[] b = s.getByteValues();
            return DicomElement.text(tag, vr, b == null ? new byte[0] : b);
        }
        if (a instanceof TextAttribute txt) {
            // ST, LT, UT: PixelMed keeps only decoded text; it re-encodes with the same character set
            byte[] b = txt.getVM() == 0 ? new byte[0] : txt.getByteValues();
            return DicomElement.text(tag, vr, b == null ? new byte[0] : b);
        }
        if (a instanceof UnknownAttribute un) {
            return reReadUnknown(tag, un);
        }
        switch (vr) {
            case "US", "SS", "UL", "SL", "SV", "UV": {
                long[] v = a.getVM() == 0 ? new long[0] : a.getLongValues();
                if ("UL".equals(vr)) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] &= 0xFFFFFFFFL; // PixelMed may sign-extend values above 2^31
                    }
                }
                return new DicomElement(tag, vr, null, v, null, null, a.getVL());
            }
            case "AT": {
                AttributeTag[] tags = ((AttributeTagAttribute) a).getAttributeTagValues();
                long[] v = new long[tags == null ? 0 : tags.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = ((long) tags[i].getGroup() << 16) | tags[i].getElement();
                }
                return new DicomElement(tag, vr, null, v, null, null, a.getVL());
            }
            case "FL", "FD": {
                double[] v = a.getVM() == 0 ? new double[0] : a.getDoubleValues();
                return new DicomElement(tag, vr, null, null, v, null, a.getVL());
            }
            default:
                return DicomElement.binary(tag, vr, a.getVL());
        }
    }

    /** Re-reads a UN element with its dictionary VR; when that fails it stays UN (and is dropped). */
    private DicomElement reReadUnknown(int tag, UnknownAttribute un) {
        TagDictionary.Entry entry = (tag & 0x00010000) != 0 ? null : dictionary.lookup(tag);
        byte[] value = un.getByteValues();
        if (entry == null || value == null || "UN".equals(entry.vr()) || value.length >= RowMapper.MAX_VALUE_BYTES) {
            return DicomElement.binary(tag, "UN", un.getVL());
        }
        byte[] element = new byte[8 + value.length];
        element[0] = (byte) (tag >>> 16);
        element[1] = (byte) (tag >>> 24);
        element[2] = (byte) tag;
        element[3] = (byte) (tag >>> 8);
        int len = value.length;
        element[4] = (byte) len;
        element[5] = (byte) (len >>> 8);
        element[6] = (byte) (len >>> 16);
        element[7] = (byte) (len >>> 24);
        System.arraycopy(value, 0, element, 8, value.length);
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(element), IMPLICIT_VR_LE, false)) {
            AttributeList reread = new AttributeList();
            reread.read(in);
            Attribute a = reread.get(new AttributeTag(tag >>> 16, tag & 0xFFFF));
            if (a == null || a instanceof UnknownAttribute) {
                throw new DicomException("no element after re-reading");
            }
            return convert(a);
        } catch (IOException | DicomException | RuntimeException e) {
            warnings.add(DicomElement.tagName(tag) + " " + entry.keyword()
                    + ": UN value could not be re-read as " + entry.vr() + " (" + e.getMessage() + "): dropped");
            return DicomElement.binary(tag, "UN", un.getVL());
        }
    }
}
