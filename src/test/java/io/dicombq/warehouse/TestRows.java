package io.dicombq.warehouse;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.row.ServiceColumns;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.dicombq.row.Field.Type.DATE;
import static io.dicombq.row.Field.Type.FLOAT;
import static io.dicombq.row.Field.Type.INTEGER;
import static io.dicombq.row.Field.Type.STRING;
import static io.dicombq.row.Field.Type.TIME;
import static io.dicombq.row.Field.Type.TIMESTAMP;

/** Rows shaped like the DICOM mapper's output (section 4 of DESIGN.md), built by hand for warehouse tests. */
final class TestRows {

    static final List<String> NAME_PARTS = List.of("FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix");

    private TestRows() {
    }

    /** The full PN structure: Alphabetic, Ideographic, Phonetic, each with five STRING parts. */
    static Field pn(String name) {
        List<Field> groups = new ArrayList<>();
        for (String group : List.of("Alphabetic", "Ideographic", "Phonetic")) {
            List<Field> parts = new ArrayList<>();
            for (String part : NAME_PARTS) {
                parts.add(Field.nullable(part, STRING));
            }
            groups.add(Field.record(group, Field.Mode.NULLABLE, parts));
        }
        return Field.record(name, Field.Mode.NULLABLE, groups);
    }

    static Map<String, Object> pnValue(String family, String given) {
        Map<String, Object> alphabetic = new LinkedHashMap<>();
        alphabetic.put("FamilyName", family);
        alphabetic.put("GivenName", given);
        return new LinkedHashMap<>(Map.of("Alphabetic", alphabetic));
    }

    static Field otherElements() {
        return Field.record("OtherElements", Field.Mode.REPEATED,
                List.of(Field.nullable("Tag", STRING), Field.repeated("Data", STRING)));
    }

    static Field droppedTags() {
        return Field.record("DroppedTags", Field.Mode.REPEATED, List.of(Field.nullable("TagName", STRING)));
    }

    /** An instance of study 1, series 1.1 with a StudyDate, which DuckDB may or may not be able to convert. */
    static MetadataRow withStudyDate(String sop, String studyDate) {
        return with(row("1", "1.1", sop, "INSERT", "2024-01-01T00:00:00Z"), Field.nullable("StudyDate", DATE), studyDate);
    }

    /** A row for one instance with only UIDs, the service columns and what {@code extra} adds. */
    static MetadataRow row(String study, String series, String sop, String type, String lastUpdated) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("StudyInstanceUID", study);
        values.put("SeriesInstanceUID", series);
        values.put("SOPInstanceUID", sop);
        values.put(ServiceColumns.TYPE, type);
        values.put(ServiceColumns.LAST_UPDATED, lastUpdated);
        return new MetadataRow(values, new Schema(ServiceColumns.FIELDS));
    }

    static MetadataRow with(MetadataRow row, Field field, Object value) {
        row.schema().add(field);
        row.values().put(field.name(), value);
        return row;
    }

    /**
     * A typical CT header: about 150 columns (scalars of every type, multi-valued strings, PN
     * records, sequences nesting sequences, OtherElements and DroppedTags).
     */
    static MetadataRow ct(int study, int series, int instance) {
        String studyUid = "1.2.826.0.1.3680043.8.498." + study;
        String seriesUid = studyUid + "." + series;
        MetadataRow row = row(studyUid, seriesUid, seriesUid + "." + instance, ServiceColumns.INSERT,
                ServiceColumns.timestamp(Instant.parse("2024-05-01T10:00:00Z").plusMillis(instance)));
        row.values().put(ServiceColumns.BLOB_STORAGE_SIZE, 528_000L + instance);
        row.values().put(ServiceColumns.STORAGE_CLASS, "STANDARD");
        with(row, Field.nullable("SOPClassUID", STRING), "1.2.840.10008.5.1.4.1.1.2");
        with(row, Field.nullable("Modality", STRING), "CT");
        with(row, Field.nullable("Manufacturer", STRING), "ACME Imaging");
        with(row, Field.nullable("StudyDate", DATE), "2024-04-30");
        with(row, Field.nullable("StudyTime", TIME), "14:22:05.123456");
        with(row, Field.nullable("AcquisitionDateTime", TIMESTAMP), "2024-04-30T12:22:05.100000Z");
        with(row, Field.nullable("InstanceNumber", STRING), Integer.toString(instance));
        with(row, Field.nullable("Rows", INTEGER), 512L);
        with(row, Field.nullable("Columns", INTEGER), 512L);
        with(row, Field.nullable("RescaleSlope", STRING), "1");
        with(row, Field.repeated("ImageType", STRING), List.of("ORIGINAL", "PRIMARY", "AXIAL"));
        with(row, Field.repeated("PixelSpacing", STRING), List.of("0.703125", "0.703125"));
        with(row, Field.repeated("ImagePositionPatient", STRING), List.of("-180", "-180", Integer.toString(-instance)));
        with(row, Field.nullable("SliceThickness", STRING), "1.25");
        with(row, Field.nullable("ExposureIndex", FLOAT), 12.5 + instance);
        with(row, pn("PatientName"), pnValue("Doe", "Jane"));
        with(row, pn("ReferringPhysicianName"), pnValue("Who", "Doctor"));
        with(row, pn("OperatorsName"), pnValue("Smith", "Al"));
        for (int i = 0; i < 110; i++) {
            with(row, Field.nullable("Attribute" + i, STRING), "value " + i + " of instance " + instance);
        }
        Field codeItem = Field.record("ProcedureCodeSequence", Field.Mode.REPEATED, List.of(
                Field.nullable("CodeValue", STRING), Field.nullable("CodingSchemeDesignator", STRING),
                Field.nullable("CodeMeaning", STRING), otherElements()));
        Field request = Field.record("RequestAttributesSequence", Field.Mode.REPEATED, List.of(
                Field.nullable("RequestedProcedureID", STRING), Field.nullable("ScheduledProcedureStepID", STRING),
                codeItem, otherElements()));
        Map<String, Object> code = new LinkedHashMap<>();
        code.put("CodeValue", "CTCHEST");
        code.put("CodingSchemeDesignator", "99LOCAL");
        code.put("CodeMeaning", "CT chest");
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("RequestedProcedureID", "RP" + study);
        req.put("ProcedureCodeSequence", List.of(code));
        with(row, request, List.of(req));
        Field referenced = Field.record("ReferencedImageSequence", Field.Mode.REPEATED, List.of(
                Field.nullable("ReferencedSOPClassUID", STRING), Field.nullable("ReferencedSOPInstanceUID", STRING)));
        with(row, referenced, List.of(
                Map.of("ReferencedSOPClassUID", "1.2.840.10008.5.1.4.1.1.2", "ReferencedSOPInstanceUID", seriesUid + ".1"),
                Map.of("ReferencedSOPClassUID", "1.2.840.10008.5.1.4.1.1.2", "ReferencedSOPInstanceUID", seriesUid + ".2")));
        with(row, otherElements(), List.of(Map.of("Tag", "Tag_00091001", "Data", List.of("private", "values"))));
        with(row, droppedTags(), List.of(Map.of("TagName", "PixelData")));
        return row;
    }
}
