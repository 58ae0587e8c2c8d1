package io.dicombq.row;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dicombq.row.Field.Mode;
import io.dicombq.row.Field.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a table lacks for a batch (the columns the writers add before they insert), and field equality. */
class SchemaTest {
    private static Field seq(String name, Field... items) {
        return Field.record(name, Mode.REPEATED, List.of(items));
    }

    private static Field text(String name) {
        return Field.nullable(name, Type.STRING);
    }

    @Test
    void aTableWithEveryColumnLacksNothing() {
        Schema table = new Schema(List.of(text("Modality"), seq("ReferencedSeriesSequence", text("SeriesInstanceUID"))));
        Schema batch = new Schema(List.of(seq("ReferencedSeriesSequence", text("SeriesInstanceUID")), text("Modality")));
        assertTrue(table.covers(batch));
        assertEquals(List.of(), table.missingFrom(batch));
    }

    @Test
    void aNewTopLevelColumnIsMissing() {
        Schema table = new Schema(List.of(text("Modality")));
        Schema batch = new Schema(List.of(text("Modality"), text("BodyPartExamined")));
        assertFalse(table.covers(batch));
        assertEquals(List.of(text("BodyPartExamined")), table.missingFrom(batch));
    }

    @Test
    void aNewFieldInsideASequenceItemMakesTheSequenceMissing() {
        Schema table = new Schema(List.of(seq("ContentSequence", text("ValueType"))));
        Field wanted = seq("ContentSequence", text("ValueType"), text("TextValue"));
        assertEquals(List.of(wanted), table.missingFrom(new Schema(List.of(wanted))));
    }

    @Test
    void aNewFieldAtAnyDepthIsFound() {
        Field have = seq("ContentSequence", seq("ConceptNameCodeSequence", text("CodeValue")), text("ValueType"));
        Field deeper = seq("ContentSequence", seq("ConceptNameCodeSequence", text("CodeValue"), text("CodeMeaning")));
        Schema table = new Schema(List.of(have));
        assertEquals(List.of(deeper), table.missingFrom(new Schema(List.of(deeper))));
        // fewer sub-fields, in another order: nothing to add
        Field fewer = seq("ContentSequence", text("ValueType"), seq("ConceptNameCodeSequence", text("CodeValue")));
        assertTrue(table.covers(new Schema(List.of(fewer))));
    }

    @Test
    void aWideSequenceItemIsCheckedByNameToo() {
        // more sub-fields than the in-place scan is used for
        java.util.List<Field> many = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(text("Attribute" + i));
        }
        Field have = Field.record("PerFrameFunctionalGroupsSequence", Mode.REPEATED, many);
        Schema table = new Schema(List.of(have));
        Field someOfThem = seq("PerFrameFunctionalGroupsSequence", text("Attribute99"), text("Attribute0"));
        assertTrue(table.covers(new Schema(List.of(someOfThem))));
        Field oneMore = seq("PerFrameFunctionalGroupsSequence", text("Attribute50"), text("Attribute100"));
        assertEquals(List.of(oneMore), table.missingFrom(new Schema(List.of(oneMore))));
    }

    @Test
    void theFirstDeclarationOfANameWinsOverAnotherType() {
        // as when merging: a name declared once as a plain column is not made a RECORD later
        Schema table = new Schema(List.of(text("PatientName")));
        Schema batch = new Schema(List.of(Field.record("PatientName", Mode.NULLABLE, List.of(text("Alphabetic")))));
        assertTrue(table.covers(batch));
    }

    @Test
    void addingWhatIsMissingMakesTheTableCoverTheBatch() {
        Schema table = new Schema(List.of(seq("ContentSequence", text("ValueType"))));
        Schema batch = new Schema(List.of(seq("ContentSequence", text("TextValue")), text("Modality")));
        table.addAll(table.missingFrom(batch));
        assertTrue(table.covers(batch));
        assertEquals(List.of(text("ValueType"), text("TextValue")), table.get("ContentSequence").fields());
    }

    @Test
    void fieldsAreEqualByNameTypeModeAndSubFields() {
        Field a = seq("ContentSequence", text("ValueType"), seq("ConceptNameCodeSequence", text("CodeValue")));
        Field b = seq("ContentSequence", text("ValueType"), seq("ConceptNameCodeSequence", text("CodeValue")));
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, seq("ContentSequence", text("ValueType")));
        assertNotEquals(a, Field.record("ContentSequence", Mode.NULLABLE, a.fields()));
        assertNotEquals(text("CodeValue"), Field.nullable("CodeValue", Type.DATE));
        assertNotEquals(text("CodeValue"), text("CodeMeaning"));
        assertNotEquals(text("CodeValue"), "CodeValue");
    }
}
