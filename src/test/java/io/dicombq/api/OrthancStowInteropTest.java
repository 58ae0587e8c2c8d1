package io.dicombq.api;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability with a third-party STOW-RS client: Orthanc's DICOMweb plugin (Debian packages
 * {@code orthanc} and {@code orthanc-dicomweb}, installed by scripts/setup.sh) sends instances it holds
 * to this API as a remote DICOMweb server, with a bearer token. Skipped when Orthanc is not installed.
 */
class OrthancStowInteropTest {
    static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
    static final Path PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    static final String STUDY = "1.2.826.0.1.3680043.8.498.300";

    @TempDir
    Path tmp;

    @Test
    void orthancStoresAStudyThroughStowRs() throws Exception {
        assumeTrue(Files.isExecutable(ORTHANC) && Files.exists(PLUGIN), "Orthanc with its DICOMweb plugin is not installed");
        assumeTrue(TestDicom.available(), "dcmtk's dump2dcm is needed");
        Path files = tmp.resolve("files");
        Path first = TestDicom.instance(files, STUDY, STUDY + ".1", STUDY + ".1.1");
        Path second = TestDicom.instance(files, STUDY, STUDY + ".1", STUDY + ".1.2");

        try (ApiTestServer api = new ApiTestServer(tmp.resolve("bundle"), "interop-token");
             Http http = new Http()) {
            int orthancPort = ApiTestServer.freePort();
            Process orthanc = startOrthanc(orthancPort, api.base() + "/dicomWeb/");
            try {
                String orthancUrl = "http://localhost:" + orthancPort;
                waitForOrthanc(http, orthancUrl, orthanc);
                for (Path f : new Path[] {first, second}) {
                    Http.Response up = http.send("POST", orthancUrl + "/instances",
                            new ByteArrayEntity(Files.readAllBytes(f), ContentType.create("application/dicom")));
                    assertEquals(200, up.status(), up.body());
                }
                String studyId = http.send("GET", orthancUrl + "/studies", null).json().get(0).asText();
                Http.Response stow = http.send("POST", orthancUrl + "/dicom-web/servers/dicombq/stow",
                        new StringEntity(Http.JSON.writeValueAsString(Map.of("Resources", new String[] {studyId},
                                "Synchronous", true)), ContentType.APPLICATION_JSON));
                assertEquals(200, stow.status(), stow.body() + "\n" + log());
            } finally {
                orthanc.destroy();
                orthanc.waitFor(10, TimeUnit.SECONDS);
            }
            for (Path f : new Path[] {first, second}) {
                String sop = f.getFileName().toString().replace(".dcm", "");
                Path stored = api.stored(STUDY, STUDY + ".1", sop);
                assertTrue(Files.exists(stored), "stored through Orthanc's STOW-RS: " + stored + "\n" + log());
            }
        }
    }

    private Process startOrthanc(int port, String dicomWebRoot) throws IOException {
        Path config = tmp.resolve("orthanc.json");
        Map<String, Object> settings = Map.of(
                "Name", "interop-test",
                "StorageDirectory", tmp.resolve("orthanc-db").toString(),
                "IndexDirectory", tmp.resolve("orthanc-db").toString(),
                "HttpPort", port,
                "DicomServerEnabled", false,
                "RemoteAccessAllowed", false,
                "AuthenticationEnabled", false,
                "Plugins", new String[] {PLUGIN.toString()},
                "DicomWeb", Map.of("Enable", true, "Servers", Map.of("dicombq", Map.of(
                        "Url", dicomWebRoot,
                        "HttpHeaders", Map.of("Authorization", "Bearer interop-token")))));
        Http.JSON.writeValue(config.toFile(), settings);
        return new ProcessBuilder(ORTHANC.toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("orthanc.log").toFile()).start();
    }

    private void waitForOrthanc(Http http, String url, Process orthanc) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!orthanc.isAlive()) {
                throw new AssertionError("Orthanc stopped:\n" + log());
            }
            try {
                if (http.send("GET", url + "/system", null).status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Orthanc did not start:\n" + log());
    }

    private String log() throws IOException {
        Path log = tmp.resolve("orthanc.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

}
