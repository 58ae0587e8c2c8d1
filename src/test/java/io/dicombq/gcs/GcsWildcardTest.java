package io.dicombq.gcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GcsWildcardTest {
    @Test
    void doubleStarCrossesSegments() {
        GcsWildcard w = GcsWildcard.parse("gs://bucket/studies/**.dcm");
        assertEquals("bucket", w.bucket());
        assertEquals("studies/", w.listPrefix());
        assertTrue(w.matches("studies/a.dcm"));
        assertTrue(w.matches("studies/a/b/c.dcm"));
        assertFalse(w.matches("studies/a/b/c.txt"));
        assertFalse(w.matches("other/a.dcm"));
    }

    @Test
    void singleStarStaysInOneSegment() {
        GcsWildcard w = GcsWildcard.parse("gs://bucket/studies/*/1.dcm");
        assertTrue(w.matches("studies/a/1.dcm"));
        assertFalse(w.matches("studies/a/b/1.dcm"));
        assertFalse(w.matches("studies/1.dcm"));
    }

    @Test
    void questionMarkIsOneCharacterNotASlash() {
        GcsWildcard w = GcsWildcard.parse("gs://bucket/s/?.dcm");
        assertTrue(w.matches("s/1.dcm"));
        assertFalse(w.matches("s/12.dcm"));
        assertFalse(w.matches("s//.dcm"));
    }

    @Test
    void noWildcardNamesOneObjectAndRegexCharactersAreLiteral() {
        GcsWildcard w = GcsWildcard.parse("gs://bucket/a+b/(1).dcm");
        assertEquals("a+b/(1).dcm", w.listPrefix());
        assertTrue(w.matches("a+b/(1).dcm"));
        assertFalse(w.matches("aab/(1).dcm"));
        assertFalse(w.matches("a+b/(1).dcm.bak"));
    }

    @Test
    void badUrisNameTheField() {
        for (String bad : new String[] {null, "", "s3://b/x", "gs://B/x", "gs://bucket", "gs://bucket/", "gs://a/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GcsWildcard.parse(bad));
            assertTrue(e.getMessage().contains("gcsSource.uri"), e.getMessage());
        }
    }
}
