package io.dicombq.row;

import static io.dicombq.row.DicomElement.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping per VR, without files. */
class RowMapperTest {
    final RowMapper mapper = new RowMapper();

    static DicomElement t(int tag, String vr, String v) {
        return text(tag, vr, v.getBytes(StandardCharsets.ISO_8859_1));
    }

    MetadataRow map(DicomElement... els) {
        return mapper.map(List.of(els)).row();
    }

    @Test
    void stringVrsStayStringsWithDictionaryMode() {
        MetadataRow r = map(t(0x00080060, "CS", "MR "), t(0x00180050, "DS", " 2.5 "), t(0x00200013, "IS", "+7"),
                t(0x00200037, "DS", "1\\0\\0\\0\\1\\0"), t(0x00080018, "UI", "1.2.3\0"),
                t(0x00204000, "LT", "  leading kept\\not split  "));
        assertEquals("MR", r.get("Modality"));
        assertEquals("2.5", r.get("SliceThickness"));
        assertEquals("+7", r.get("InstanceNumber"));
        assertEquals(List.of("1", "0", "0", "0", "1", "0"), r.get("ImageOrientationPatient"));
        assertEquals("1.2.3", r.get("SOPInstanceUID"));
        assertEquals("  leading kept\\not split", r.get("ImageComments"));
        assertEquals(Field.Mode.NULLABLE, r.schema().get("Modality").mode());
        assertEquals(Field.Mode.REPEATED, r.schema().get("ImageOrientationPatient").mode());
        assertEquals(Field.Type.STRING, r.schema().get("InstanceNumber").type());
    }

    @Test
    void numbersAndTags() {
        MetadataRow r = map(ints(0x00280010, "US", 512), ints(0x00181310, "US", 0, 256, 256, 0),
                floats(0x00189311, "FD", 1.5), ints(0x00209165, "AT", 0x00100020L));
        assertEquals(512L, r.get("Rows"));
        assertEquals(List.of(0L, 256L, 256L, 0L), r.get("AcquisitionMatrix"));
        assertEquals(1.5, r.get("SpiralPitchFactor"));
        assertEquals(0x00100020L, r.get("DimensionIndexPointer"));
        assertEquals(Field.Type.INTEGER, r.schema().get("DimensionIndexPointer").type());
        assertEquals(Field.Type.FLOAT, r.schema().get("SpiralPitchFactor").type());
    }

    @Test
    void datesTimesAndTimestamps() {
        MetadataRow r = map(t(0x00080020, "DA", "20240229"), t(0x00080030, "TM", "1015"),
                t(0x0008002A, "DT", "20240101120000"), t(0x00080201, "SH", "+0100"));
        assertEquals("2024-02-29", r.get("StudyDate"));
        assertEquals("10:15:00", r.get("StudyTime"));
        assertEquals("2024-01-01T11:00:00Z", r.get("AcquisitionDateTime")); // 0008,0201 applies
        assertEquals(Field.Type.TIMESTAMP, r.schema().get("AcquisitionDateTime").type());
    }

    @Test
    @SuppressWarnings("unchecked")
    void personNameAlwaysDeclaresTheWholeStructure() {
        MetadataRow r = map(t(0x00100010, "PN", "Doe^John=^=Do^Jon"));
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Doe", "GivenName", "John"),
                "Phonetic", Map.of("FamilyName", "Do", "GivenName", "Jon")), r.get("PatientName"));
        Field pn = r.schema().get("PatientName");
        assertEquals(List.of("Alphabetic", "Ideographic", "Phonetic"), pn.fields().stream().map(Field::name).toList());
        assertEquals(5, pn.fields().get(1).fields().size());
    }

    @Test
    void binaryVrsAreDropped() {
        MetadataRow r = map(binary(0x7FE00010, "OW", 10), binary(0x00420011, "OB", 4), binary(0x00080020, "UN", 8));
        assertEquals(List.of(Map.of("TagName", "PixelData"), Map.of("TagName", "EncapsulatedDocument"),
                Map.of("TagName", "StudyDate")), r.get("DroppedTags"));
    }

    @Test
    void wrongVrAndBadValuesGoToOtherElements() {
        MetadataRow r = map(t(0x00080020, "LO", "20240101"), t(0x00080030, "TM", "9999"),
                ints(0x00280010, "US", 1, 2));
        assertEquals(List.of(Map.of("Tag", "Tag_00080020", "Data", List.of("20240101")),
                Map.of("Tag", "Tag_00080030", "Data", List.of("9999")),
                Map.of("Tag", "Tag_00280010", "Data", List.of("1", "2"))), r.get("OtherElements"));
        assertEquals(RowMapper.OTHER_ELEMENTS_FIELD, r.schema().get("OtherElements"));
    }

    @Test
    void sequencesPrivateAndDepth() {
        DicomElement inner = sequence(0x00291010, List.of(List.of(t(0x00291011, "LO", "x"))));
        MetadataRow r = map(sequence(0x00081140, List.of(List.of(t(0x00081150, "UI", "1.2"), inner))),
                t(0x00290010, "LO", "CREATOR"));
        assertEquals(List.of(Map.of("ReferencedSOPClassUID", "1.2", "Tag_00291010",
                List.of(Map.of("OtherElements", List.of(Map.of("Tag", "Tag_00291011", "Data", List.of("x"))))))),
                r.get("ReferencedImageSequence"));
        DicomElement deep = t(0x00080100, "SH", "LEAF");
        for (int i = 0; i < 16; i++) {
            deep = sequence(0x0040A730, List.of(List.of(deep)));
        }
        assertEquals(List.of(Map.of("TagName", "ContentSequence")), map(deep).get("DroppedTags"));
    }

    @Test
    void groupLengthsAndMetaAreLeftOut() {
        MetadataRow r = map(ints(0x00020000, "UL", 10), t(0x00020010, "UI", "1.2.840.10008.1.2.1"),
                t(0x00020013, "SH", "X"), ints(0x00080000, "UL", 4));
        assertEquals(Map.of("TransferSyntaxUID", "1.2.840.10008.1.2.1"), r.values());
    }

    @Test
    void rowSizePolicyMovesTheLargestElement() {
        MetadataRow r = map(t(0x0020000D, "UI", "1.2"), t(0x00204000, "LT", "x".repeat(5000)),
                t(0x00081030, "LO", "small"));
        MetadataRow fitted = RowSizePolicy.fit(r, 1000);
        assertFalse(fitted.values().containsKey("ImageComments"));
        assertEquals("small", fitted.get("StudyDescription"));
        assertEquals(List.of(Map.of("TagName", "ImageComments")), fitted.get("DroppedTags"));
        assertTrue(RowSizePolicy.size(fitted.values()) <= 1000);
        assertSame(r, RowSizePolicy.fit(r, 1_000_000));
    }
}
