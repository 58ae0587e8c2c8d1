package io.dicombq.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StowRsTest {
    static final String STUDY = "1.2.826.0.1.3680043.8.498.1";
    static final String SERIES = "1.2.826.0.1.3680043.8.498.1.1";

    @TempDir
    static Path tmp;
    static ApiTestServer server;
    static Http http;
    static Path a;
    static Path b;
    static Path otherStudy;
    static Path badUid;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestDicom.available(), "dcmtk's dump2dcm is needed (scripts/setup.sh installs it)");
        Path files = tmp.resolve("files");
        a = TestDicom.instance(files, STUDY, SERIES, STUDY + ".1.1");
        b = TestDicom.instance(files, STUDY, SERIES, STUDY + ".1.2");
        otherStudy = TestDicom.instance(files, "1.2.826.0.1.3680043.8.498.2", "1.2.826.0.1.3680043.8.498.2.1",
                "1.2.826.0.1.3680043.8.498.2.1.1");
        badUid = TestDicom.instance(files, "1.2.3.abc", "1.2.3.4", "1.2.3.4.5");
        server = new ApiTestServer(tmp.resolve("bundle"), "");
        http = new Http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void storesEveryPartAndAnswersAStoreResponse() throws Exception {
        Http.Response r = http.send("POST", server.studies(), Http.stowBody(a, b), "Accept", "application/dicom+json");
        assertEquals(200, r.status(), r.body());
        assertEquals("application/dicom+json", r.contentType());
        JsonNode json = r.json();
        assertEquals(server.studies() + "/" + STUDY, json.at("/00081190/Value/0").asText());
        JsonNode refs = json.at("/00081199/Value");
        assertEquals(2, refs.size());
        assertEquals(STUDY + ".1.1", refs.get(0).at("/00081155/Value/0").asText());
        assertEquals(TestDicom.CT_IMAGE, refs.get(0).at("/00081150/Value/0").asText());
        assertEquals(server.studies() + "/" + STUDY + "/series/" + SERIES + "/instances/" + STUDY + ".1.2",
                refs.get(1).at("/00081190/Value/0").asText());
        assertTrue(json.at("/00081198").isMissingNode());
        assertArrayEqualsFile(b, server.stored(STUDY, SERIES, STUDY + ".1.2"));
        // and each stored part became an INSERT row in the (embedded) warehouse
        assertEquals(1L, ((Number) server.query("SELECT count(*) AS n FROM " + ApiTestServer.TABLE
                + "_view WHERE SOPInstanceUID = '" + STUDY + ".1.2' AND Modality = 'CT'").get(0).get("n")).longValue());
        assertNoLeftovers();
    }

    @Test
    void chunkedBodyIsStoredToo() throws Exception {
        var entity = Http.stowBody(a);
        var chunked = new InputStreamEntity(entity.getContent(), -1, ContentType.parse(entity.getContentType()));
        Http.Response r = http.send("POST", server.studies() + "/" + STUDY, chunked);
        assertEquals(200, r.status(), r.body());
        assertEquals(1, r.json().at("/00081199/Value").size());
    }

    @Test
    void badPartsFailOneByOneWhileTheOthersAreStored() throws Exception {
        var body = Http.stowBody()
                .addBinaryBody("f", a.toFile(), Http.DICOM, null)
                .addBinaryBody("f", "this is not DICOM at all".getBytes(StandardCharsets.US_ASCII), Http.DICOM, null)
                .addBinaryBody("f", otherStudy.toFile(), Http.DICOM, null)
                .addBinaryBody("f", badUid.toFile(), Http.DICOM, null)
                .build();
        Http.Response r = http.send("POST", server.studies() + "/" + STUDY, body);
        assertEquals(202, r.status(), r.body());
        JsonNode json = r.json();
        assertEquals(1, json.at("/00081199/Value").size());
        JsonNode failed = json.at("/00081198/Value");
        assertEquals(3, failed.size());
        assertEquals(0xC000, failed.get(0).at("/00081197/Value/0").asInt());
        assertEquals(0xA900, failed.get(1).at("/00081197/Value/0").asInt());
        // a refused instance is named, so the client knows which one to fix
        assertEquals("1.2.826.0.1.3680043.8.498.2.1.1", failed.get(1).at("/00081155/Value/0").asText());
        assertEquals(TestDicom.CT_IMAGE, failed.get(1).at("/00081150/Value/0").asText());
        assertTrue(failed.get(0).at("/00081155").isMissingNode());
        assertEquals(0xC000, failed.get(2).at("/00081197/Value/0").asInt());
        assertFalse(Files.exists(server.storeDir.resolve("studies").resolve("1.2.826.0.1.3680043.8.498.2")));
        assertNoLeftovers();
    }

    @Test
    void noPartStoredIs409() throws Exception {
        Http.Response r = http.send("POST", server.studies() + "/" + STUDY, Http.stowBody(otherStudy));
        assertEquals(409, r.status(), r.body());
        assertEquals(0xA900, r.json().at("/00081198/Value/0/00081197/Value/0").asInt());
    }

    @Test
    void aSingleApplicationDicomBodyIsStoredAsGoogleDoes() throws Exception {
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(Files.readAllBytes(b),
                ContentType.create("application/dicom")));
        assertEquals(200, r.status(), r.body());
        assertEquals(STUDY + ".1.2", r.json().at("/00081199/Value/0/00081155/Value/0").asText());
        Http.Response notDicom = http.send("POST", server.studies(), new ByteArrayEntity(new byte[300],
                ContentType.create("application/dicom")));
        assertEquals(409, notDicom.status(), notDicom.body());
    }

    @Test
    void wrongMediaTypeIs415() throws Exception {
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(Files.readAllBytes(a),
                ContentType.create("application/octet-stream")));
        assertEquals(415, r.status(), r.body());
        assertEquals("INVALID_ARGUMENT", r.json().at("/error/status").asText());
        Http.Response json = http.send("POST", server.studies(), new ByteArrayEntity(new byte[10],
                ContentType.parse("multipart/related; type=\"application/dicom+json\"; boundary=x")));
        assertEquals(415, json.status(), json.body());
    }

    @Test
    void missingBoundaryIs400() throws Exception {
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(Files.readAllBytes(a),
                ContentType.parse("multipart/related; type=\"application/dicom\"")));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().at("/error/message").asText().contains("boundary"), r.body());
    }

    @Test
    void emptyBodyIs400() throws Exception {
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(new byte[0],
                ContentType.parse("multipart/related; type=\"application/dicom\"; boundary=abc")));
        assertEquals(400, r.status(), r.body());
        assertEquals(400, r.json().at("/error/code").asInt());
    }

    @Test
    void truncatedBodyStoresNothingFromTheCutPart() throws Exception {
        var entity = Http.stowBody(a, b);
        byte[] whole = entity.getContent().readAllBytes();
        // cut in the middle of the second part: the first one is complete and stored
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 200);
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(cut,
                ContentType.parse(entity.getContentType())));
        assertEquals(202, r.status(), r.body());
        assertEquals(1, r.json().at("/00081199/Value").size());
        assertEquals(1, r.json().at("/00081198/Value").size());
        // cut inside the only part: nothing could be stored, the body is malformed
        byte[] cutFirst = java.util.Arrays.copyOf(whole, 300);
        Http.Response r2 = http.send("POST", server.studies(), new ByteArrayEntity(cutFirst,
                ContentType.parse(entity.getContentType())));
        assertEquals(400, r2.status(), r2.body());
        assertNoLeftovers();
    }

    @Test
    void manyPartsAreAllStoredAndAnsweredInBodyOrder() throws Exception {
        // more parts than dicom.stow.parallel-parts (32): the reader waits at the bound, then goes on
        String series = "1.2.826.0.1.3680043.8.498.3.1";
        java.util.List<Path> parts = new java.util.ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            parts.add(TestDicom.instance(tmp.resolve("many"), "1.2.826.0.1.3680043.8.498.3", series, series + "." + i));
        }
        Http.Response r = http.send("POST", server.studies(), Http.stowBody(parts.toArray(Path[]::new)));
        assertEquals(200, r.status(), r.body());
        JsonNode refs = r.json().at("/00081199/Value");
        assertEquals(40, refs.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(series + "." + (i + 1), refs.get(i).at("/00081155/Value/0").asText());
        }
        assertEquals(40L, ((Number) server.query("SELECT count(*) AS n FROM " + ApiTestServer.TABLE
                + "_view WHERE SeriesInstanceUID = '" + series + "'").get(0).get("n")).longValue());
        assertNoLeftovers();
    }

    @Test
    void partsLargerThanTheSpoolBufferAreStoredByteForByte() throws Exception {
        // ~200 KB and ~64 KB + 1 of patterned pixel data: several spool buffers, one filled exactly and
        // one byte more; the first part is delivered on the pool, the last on the request's thread
        String study = "1.2.826.0.1.3680043.8.498.6";
        String series = study + ".1";
        Path big = withPixels(tmp.resolve("big"), study, series, series + ".1", 200_003);
        Path edge = withPixels(tmp.resolve("big"), study, series, series + ".2", 64 * 1024 + 1);
        Http.Response r = http.send("POST", server.studies(), Http.stowBody(big, edge));
        assertEquals(200, r.status(), r.body());
        assertArrayEqualsFile(big, server.stored(study, series, series + ".1"));
        assertArrayEqualsFile(edge, server.stored(study, series, series + ".2"));
        assertNoLeftovers();
    }

    /** The small instance with a Pixel Data element (OB) of {@code n} bytes that are not all alike. */
    private static Path withPixels(Path dir, String study, String series, String sop, int n) throws Exception {
        Path header = TestDicom.withoutPixelData(dir, study, series, sop);
        int length = n + (n & 1); // a DICOM value has an even length
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Files.readAllBytes(header));
        out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0,
                (byte) length, (byte) (length >> 8), (byte) (length >> 16), (byte) (length >> 24)});
        for (int i = 0; i < length; i++) {
            out.write(i * 31 + (i >> 8));
        }
        Files.write(header, out.toByteArray());
        return header;
    }

    @Test
    void aMixOfGoodAndBadPartsIsAnsweredInBodyOrder() throws Exception {
        String study = "1.2.826.0.1.3680043.8.498.4";
        String series = study + ".1";
        var body = Http.stowBody();
        java.util.List<Integer> reasons = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            body.addBinaryBody("f", TestDicom.instance(tmp.resolve("mix"), study, series, series + "." + i).toFile(),
                    Http.DICOM, null);
            if (i % 3 == 0) {
                body.addBinaryBody("f", ("not DICOM " + i).getBytes(StandardCharsets.US_ASCII), Http.DICOM, null);
                reasons.add(0xC000);
                body.addBinaryBody("f", otherStudy.toFile(), Http.DICOM, null);
                reasons.add(0xA900);
            }
        }
        Http.Response r = http.send("POST", server.studies() + "/" + study, body.build());
        assertEquals(202, r.status(), r.body());
        JsonNode refs = r.json().at("/00081199/Value");
        assertEquals(10, refs.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(series + "." + (i + 1), refs.get(i).at("/00081155/Value/0").asText());
        }
        JsonNode failed = r.json().at("/00081198/Value");
        assertEquals(reasons.size(), failed.size());
        for (int i = 0; i < reasons.size(); i++) {
            assertEquals(reasons.get(i), failed.get(i).at("/00081197/Value/0").asInt(), "failed item " + i);
        }
        assertNoLeftovers();
    }

    @Test
    void aBodyCutAfterSeveralPartsKeepsThoseAndRefusesTheRest() throws Exception {
        String study = "1.2.826.0.1.3680043.8.498.5";
        String series = study + ".1";
        java.util.List<Path> parts = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            parts.add(TestDicom.instance(tmp.resolve("cut"), study, series, series + "." + i));
        }
        var entity = Http.stowBody(parts.toArray(Path[]::new));
        byte[] whole = entity.getContent().readAllBytes();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 200);
        Http.Response r = http.send("POST", server.studies(), new ByteArrayEntity(cut,
                ContentType.parse(entity.getContentType())));
        assertEquals(202, r.status(), r.body());
        JsonNode refs = r.json().at("/00081199/Value");
        assertEquals(5, refs.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(series + "." + (i + 1), refs.get(i).at("/00081155/Value/0").asText());
        }
        assertEquals(1, r.json().at("/00081198/Value").size());
        assertEquals(0xC000, r.json().at("/00081198/Value/0/00081197/Value/0").asInt());
        assertFalse(Files.exists(server.stored(study, series, series + ".6")));
        assertNoLeftovers();
    }

    @Test
    void pathTraversalInTheStudyUidIsRefused() throws Exception {
        for (String study : new String[] {"..%2F..%2Fetc", "1.2.3%2F..%2F..", "1.2.3..", "%2E%2E"}) {
            Http.Response r = http.send("POST", server.studies() + "/" + study, Http.stowBody(a));
            assertTrue(r.status() == 400 || r.status() == 404, study + " -> " + r.status() + " " + r.body());
            assertTrue(r.json().has("error"), r.body());
        }
        try (Stream<Path> all = Files.walk(server.storeDir)) {
            assertTrue(all.allMatch(p -> p.startsWith(server.storeDir)), "nothing written outside the store");
        }
        try (Stream<Path> studies = Files.list(server.storeDir.resolve("studies"))) {
            assertTrue(studies.allMatch(p -> p.getFileName().toString().matches("[0-9.]+")));
        }
    }

    @Test
    void unknownStoreIs404() throws Exception {
        Http.Response r = http.send("POST", server.studies().replace("/dicomStores/st/", "/dicomStores/other/"),
                Http.stowBody(a));
        assertEquals(404, r.status(), r.body());
        assertEquals("NOT_FOUND", r.json().at("/error/status").asText());
    }

    private static void assertNoLeftovers() throws Exception {
        try (Stream<Path> left = Files.list(server.storeDir.resolve(".incoming"))) {
            assertEquals(0, left.count());
        }
    }

    private static void assertArrayEqualsFile(Path expected, Path actual) throws Exception {
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual));
    }

}
