package io.dicombq.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The curl scripts under samples/ against the running bundle, with a bearer token, as a user runs them. */
class SampleScriptsTest {
    static final String CT_STUDY = "1.2.826.0.1.3680043.10.1453.1";

    @TempDir
    Path tmp;

    @Test
    void stowPatchAndDeleteScriptsWork() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is needed");
        try (ApiTestServer server = new ApiTestServer(tmp.resolve("bundle"), "sample-token")) {
            String stow = run(server, "samples/stow.sh", "samples/ct.dcm", "samples/mr.dcm", "samples/sr.dcm");
            JsonNode stored = Http.JSON.readTree(stow);
            assertEquals(3, stored.at("/00081199/Value").size(), stow);

            String patched = run(server, "samples/patch-stream-configs.sh");
            assertTrue(patched.contains("\"tableUri\":\"bq://local.dicom.instances\""), patched);
            assertTrue(server.streamConfigs().list().get(0).includeSourceStore(), patched);

            String ctSop = stored.at("/00081199/Value/0/00081155/Value/0").asText();
            String url = stored.at("/00081199/Value/0/00081190/Value/0").asText();
            String series = url.substring(url.indexOf("/series/") + 8, url.indexOf("/instances/"));
            String study = url.substring(url.indexOf("/studies/") + 9, url.indexOf("/series/"));
            assertEquals("{}", run(server, "samples/delete.sh", study).trim());
            assertFalse(Files.exists(server.stored(study, series, ctSop)));
            assertTrue(run(server, "samples/delete.sh", study).contains("\"NOT_FOUND\""));
        }
    }

    private static String run(ApiTestServer server, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DICOM_API", "http://localhost:" + server.port);
        pb.environment().put("DICOM_STORE", ApiTestServer.STORE);
        pb.environment().put("DICOM_API_TOKEN", "sample-token");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script + ": " + out);
        return out;
    }
}
