package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.*;

import io.dicombq.InvalidDicomException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus instance against its expected row (src/test/resources/corpus/expected/NAME.json),
 * plus hand-reasoned assertions on the hard cases. Regenerate expectations with
 * {@code -Dcorpus.update=true} and review the diff before committing.
 */
class CorpusTest {
    static final Path DIR = Path.of("src/test/resources/corpus");
    static final Path EXPECTED = DIR.resolve("expected");

    final DicomInstanceReader reader = new DicomInstanceReader();

    static Stream<String> instances() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dcm"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        }
    }

    @Test
    void corpusHasAtLeastThirtyInstances() throws Exception {
        assertTrue(instances().count() >= 30);
    }

    @ParameterizedTest
    @MethodSource("instances")
    void rowMatchesExpectation(String name) throws Exception {
        String actual = RowJson.of(reader.read(DIR.resolve(name + ".dcm")));
        Path expected = EXPECTED.resolve(name + ".json");
        if (Boolean.getBoolean("corpus.update")) {
            Files.createDirectories(EXPECTED);
            Files.writeString(expected, actual);
        }
        assertEquals(Files.readString(expected), actual, name);
    }

    Map<String, Object> row(String name) throws Exception {
        return reader.read(DIR.resolve(name + ".dcm")).row().values();
    }

    @Test
    void everyTransferSyntaxGivesTheSameColumns() throws Exception {
        Map<String, Object> ref = row("ts-explicit-le");
        for (String ts : List.of("ts-implicit-le", "ts-explicit-be", "ts-deflated", "ts-no-meta-implicit",
                "ts-no-meta-explicit")) {
            Map<String, Object> r = row(ts);
            for (String col : List.of("StudyDate", "StudyTime", "PatientName", "ImagePositionPatient", "Rows",
                    "SpiralPitchFactor", "ProcedureCodeSequence", "ImageType")) {
                assertEquals(ref.get(col), r.get(col), ts + " " + col);
            }
        }
        assertEquals("2024-01-31", ref.get("StudyDate"));
        assertEquals("10:15:02.250000", ref.get("StudyTime"));
        assertEquals(512L, ref.get("Rows"));
        assertEquals(0.984375, ref.get("SpiralPitchFactor"));
        assertEquals(List.of("-125.0", "-125.0", "37.5"), ref.get("ImagePositionPatient"));
        assertEquals("1.2.840.10008.1.2.2", row("ts-explicit-be").get("TransferSyntaxUID"));
        assertEquals("1.2.840.10008.1.2", row("ts-no-meta-implicit").get("TransferSyntaxUID"));
    }

    @Test
    void pixelDataIsDroppedNotRead() throws Exception {
        assertEquals(List.of(Map.of("TagName", "PixelData")), row("ts-encapsulated").get("DroppedTags"));
        assertEquals(List.of(Map.of("TagName", "PixelData")), row("pixel-data-native").get("DroppedTags"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void privateSequencesAreColumnsAndOtherPrivatesAreStrings() throws Exception {
        Map<String, Object> r = row("private-sequences");
        List<Map<String, Object>> refs = (List<Map<String, Object>>) r.get("ReferencedImageSequence");
        List<Map<String, Object>> priv = (List<Map<String, Object>>) refs.get(0).get("Tag_00291011");
        assertEquals("public inside private", priv.get(0).get("PatientID"));
        assertEquals(List.of(Map.of("Tag", "Tag_00291012", "Data", List.of("deep private"))),
                priv.get(0).get("OtherElements"));
        assertEquals(List.of(Map.of("Tag", "Tag_00291010", "Data", List.of("ACME 1.0"))),
                refs.get(0).get("OtherElements"));
        assertTrue(((List<?>) r.get("OtherElements")).contains(
                Map.of("Tag", "Tag_00291001", "Data", List.of("first", "second"))));
        assertEquals(List.of(Map.of("TagName", "Tag_00291003")), r.get("DroppedTags"));
    }

    @Test
    void unElementsAreReReadWithTheDictionaryVr() throws Exception {
        assertEquals(List.of(Map.of("ReferencedSOPClassUID", "1.2.840.99", "ReferencedSOPInstanceUID", "1.2.3.44")),
                row("un-sequence-defined").get("ReferencedStudySequence"));
        Map<String, Object> r = row("un-values");
        assertEquals("2023-04-05", r.get("StudyDate"));
        assertEquals(512L, r.get("Rows"));
        assertEquals(List.of(Map.of("TagName", "Tag_00091010")), r.get("DroppedTags"));
    }

    @Test
    void characterSets() throws Exception {
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Yamada", "GivenName", "Tarou"),
                "Ideographic", Map.of("FamilyName", "\u5c71\u7530", "GivenName", "\u592a\u90ce"),
                "Phonetic", Map.of("FamilyName", "\u3084\u307e\u3060", "GivenName", "\u305f\u308d\u3046")),
                row("cs-iso2022-ir87").get("PatientName"));
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Hong", "GivenName", "Gildong"),
                "Ideographic", Map.of("FamilyName", "\u6d2a", "GivenName", "\u5409\u6d1e"),
                "Phonetic", Map.of("FamilyName", "\ud64d", "GivenName", "\uae38\ub3d9")),
                row("cs-iso2022-ir149").get("PatientName"));
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Buc", "GivenName", "J\u00e9r\u00f4me")),
                row("cs-latin1").get("PatientName"));
        assertEquals("\u00dcber \u65e5\u672c \ud83d\ude00", row("cs-utf8").get("StudyDescription"));
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "M\u00fcller", "GivenName", "\u0418\u0432\u0430\u043d")),
                row("cs-multi-latin-cyrillic").get("PatientName"));
        // PixelMed rejected this one (it decodes while reading and knows no ESC $ ) A)
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Zhang", "GivenName", "XiaoDong"),
                "Ideographic", Map.of("FamilyName", "\u5f20", "GivenName", "\u5c0f\u4e1c")),
                row("cs-iso2022-ir58").get("PatientName"));
        // the GBK character's second byte is 0x5C: decoding first keeps it whole, then the value splits in two
        String c = io.dicombq.row.corpus.CorpusGenerator.gbkCharWithBackslashTrail();
        assertEquals(List.of(Map.of("Tag", "Tag_00081030", "Data", List.of(c + "A", "B" + c))),
                row("cs-gbk-backslash-byte").get("OtherElements"));
    }

    @Test
    void textVrsAreDecodedWithIso2022Too() throws Exception {
        ParsedInstance p = reader.read(DIR.resolve("cs-iso2022-text-vrs.dcm"));
        assertEquals("Tokyo \u5c71\u7530 1-2", p.row().get("InstitutionAddress")); // ST
        // LT: one value, the backslash is text, CR LF returns to ASCII and the next escape applies
        assertEquals("\u592a\u90ce\\not split\r\n\u3084\u307e\u3060", p.row().get("ImageComments"));
        assertEquals("Report: \u65e5\u672c.", p.row().get("TextValue")); // UT
        assertEquals("odd \u001b$)Zx", p.row().get("PatientComments"));
        assertEquals(List.of("Tag_00104000 PatientComments: unknown ISO 2022 escape sequence: kept as ISO-8859-1"),
                p.warnings());
    }

    @Test
    void undecodableTextIsKeptWithAWarning() throws Exception {
        ParsedInstance p = reader.read(DIR.resolve("cs-bad-utf8.dcm"));
        assertEquals(Map.of("Alphabetic", Map.of("FamilyName", "Bad", "GivenName", "\u00c3(")),
                p.row().get("PatientName"));
        assertTrue(p.warnings().get(0).contains("not valid ISO_IR 192"), p.warnings().toString());
    }

    @Test
    void datesTimesAndMismatches() throws Exception {
        Map<String, Object> r = row("dates-and-times");
        assertEquals("2020-01-02", r.get("InstanceCreationDate"));   // retired YYYY.MM.DD
        assertEquals("12:30:00", r.get("InstanceCreationTime"));     // retired HH:MM:SS
        assertEquals("2019-01-01", r.get("SeriesDate"));             // partial date
        assertEquals("09:30:00", r.get("SeriesTime"));               // partial time
        assertEquals("2020-01-01T21:34:05.123456Z", r.get("AcquisitionDateTime")); // own offset +0530
        assertEquals("2021-01-01T05:00:00Z", r.get("DateTimeOfLastCalibration")); // 2021 at -0500
        assertFalse(r.containsKey("StudyDate"));
        assertTrue(((List<?>) r.get("OtherElements")).contains(Map.of("Tag", "Tag_00080020", "Data", List.of("2020130"))));
        assertTrue(((List<?>) r.get("OtherElements")).contains(Map.of("Tag", "Tag_00181203", "Data", List.of("20210230"))));
        Map<String, Object> m = row("vm-and-type-mismatch");
        assertTrue(((List<?>) m.get("OtherElements")).contains(Map.of("Tag", "Tag_00080060", "Data", List.of("CT", "MR"))));
        assertTrue(((List<?>) m.get("OtherElements")).contains(Map.of("Tag", "Tag_00189311", "Data", List.of("NaN"))));
        assertTrue(((List<?>) m.get("OtherElements")).contains(Map.of("Tag", "Tag_00100010", "Data", List.of("Not^APersonName"))));
        assertEquals("abc", m.get("InstanceNumber")); // IS stays a string
    }

    @Test
    void sizeAndDepthLimits() throws Exception {
        Map<String, Object> v = row("value-1mib");
        assertEquals(List.of(Map.of("TagName", "ReasonForVisit")), v.get("DroppedTags"));
        assertEquals((1 << 20) - 2, ((String) v.get("TextValue")).length());
        assertEquals(List.of(Map.of("TagName", "ContentSequence")), row("depth-16").get("DroppedTags"));
        assertNull(row("depth-15").get("DroppedTags"));
    }

    @Test
    void emptyValuesAreNullButDeclared() throws Exception {
        ParsedInstance p = reader.read(DIR.resolve("empty-values.dcm"));
        Map<String, Object> r = p.row().values();
        for (String col : List.of("StudyDate", "PatientName", "PatientID", "ImageType", "ReferencedStudySequence",
                "Rows")) {
            assertFalse(r.containsKey(col), col);
        }
        assertEquals(List.of("A", "", "P"), r.get("PatientOrientation"));
        assertEquals(Field.Type.RECORD, p.row().schema().get("PatientName").type());
        assertEquals(3, p.row().schema().get("PatientName").fields().size());
    }

    @Test
    void repeatingGroupsAndGroupLengths() throws Exception {
        Map<String, Object> r = row("overlays-and-lengths");
        assertEquals(16L, r.get("OverlayRows"));
        assertEquals("second overlay", r.get("OverlayDescription")); // first 60xx group with this keyword
        assertTrue(((List<?>) r.get("OtherElements")).contains(Map.of("Tag", "Tag_60020010", "Data", List.of("8"))));
        assertFalse(r.containsKey("CommandGroupLength"));
        assertFalse(r.keySet().stream().anyMatch(k -> k.contains("GroupLength")));
    }
}
