package io.dicombq.row;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The size bound that lets most rows skip their exact JSON encoding never reads below it. */
class RowSizePolicyTest {

    static Stream<String> instances() throws Exception {
        return CorpusTest.instances();
    }

    @ParameterizedTest
    @MethodSource("instances")
    void boundIsNeverBelowTheEncodedSizeOfACorpusRow(String name) throws Exception {
        Map<String, Object> row = new DicomInstanceReader().read(CorpusTest.DIR.resolve(name + ".dcm")).row().values();
        long size = RowSizePolicy.size(row);
        long bound = RowSizePolicy.bound(row);
        assertTrue(bound >= size, name + ": bound " + bound + " < size " + size);
        if (size < 100_000) { // all but the corpus's 1 MiB value: no encoding needed
            assertTrue(bound < RowSizePolicy.DEFAULT_MAX_ENCODED_BYTES, name + ": bound " + bound);
        }
    }

    @Test
    void boundCoversTheWorstCharactersAndNumbers() {
        char[] controls = new char[32];
        for (int i = 0; i < controls.length; i++) {
            controls[i] = (char) i;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("controls", new String(controls)); // each one escaped, up to 6 bytes
        row.put("quotes\"and\\", "\"\\\"\\");
        row.put("cjk", "山田^太郎");
        row.put("emoji", "\uD83D\uDE00\uD83D\uDE00"); // 4 UTF-8 bytes per surrogate pair
        row.put("lone", "\uD800"); // an unpaired surrogate
        row.put("numbers", Arrays.asList(Long.MIN_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN,
                Integer.MIN_VALUE, (short) -1, (byte) -1, -Float.MAX_VALUE, true, null));
        row.put("nested", List.of(Map.of("a", List.of()), Map.of()));
        for (Map.Entry<String, Object> e : row.entrySet()) {
            Map<String, Object> one = Map.of(e.getKey(), e.getValue());
            assertTrue(RowSizePolicy.bound(one) >= RowSizePolicy.size(one), e.getKey());
        }
        assertTrue(RowSizePolicy.bound(row) >= RowSizePolicy.size(row));
    }

    @Test
    void aValueOfAnotherTypeLeavesTheDecisionToTheExactSize() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("SOPInstanceUID", "1.2.3");
        row.put("Id", List.of(UUID.nameUUIDFromBytes(new byte[0]))); // Jackson writes it as a string
        assertEquals(Long.MAX_VALUE, RowSizePolicy.bound(row));
        MetadataRow r = new MetadataRow(row, new Schema());
        assertSame(r, RowSizePolicy.fit(r, 1000)); // it fits: the exact size says so
    }

    @Test
    void aRowOverTheBoundButUnderTheLimitIsKeptWhole() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("StudyInstanceUID", "1.2");
        row.put("StudyDescription", "x".repeat(300)); // bound ~1,800 bytes, encoded ~330
        MetadataRow r = new MetadataRow(row, new Schema());
        assertTrue(RowSizePolicy.bound(row) > 1000);
        assertSame(r, RowSizePolicy.fit(r, 1000));
        MetadataRow cut = RowSizePolicy.fit(r, 100);
        assertFalse(cut.values().containsKey("StudyDescription"));
        assertTrue(RowSizePolicy.size(cut.values()) <= 100);
    }

    @Test
    void aHugeListSaturatesInsteadOfOverflowing() {
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(List.of(UUID.nameUUIDFromBytes(new byte[0])));
        }
        assertEquals(Long.MAX_VALUE, RowSizePolicy.bound(Map.of("x", many)));
    }
}
