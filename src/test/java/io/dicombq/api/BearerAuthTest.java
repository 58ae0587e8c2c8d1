package io.dicombq.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerAuthTest {
    @TempDir
    static Path tmp;
    static ApiTestServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiTestServer(tmp.resolve("bundle"), "s3cret, other-token");
        http = new Http();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        server.close();
    }

    @Test
    void everyApiCallNeedsAValidToken() throws Exception {
        Http.Response none = http.send("GET", server.base(), null);
        assertEquals(401, none.status(), none.body());
        assertEquals("UNAUTHENTICATED", none.json().at("/error/status").asText());
        assertEquals(401, http.send("GET", server.base(), null, "Authorization", "Bearer wrong").status());
        assertEquals(401, http.send("GET", server.base(), null, "Authorization", "Basic czNjcmV0").status());
        assertEquals(401, http.send("POST", server.studies(), Http.stowBody().addBinaryBody("f", new byte[] {1, 2}, Http.DICOM, null).build(), "Authorization", "Bearer nope").status());
        assertEquals(401, http.send("DELETE", server.studies() + "/1.2.3", null).status());
        assertEquals(200, http.send("GET", server.base(), null, "Authorization", "Bearer s3cret").status());
        assertEquals(200, http.send("GET", server.base(), null, "Authorization", "Bearer other-token").status());
        assertEquals(404, http.send("DELETE", server.studies() + "/1.2.3", null, "Authorization", "Bearer s3cret").status());
        // the dead-letter admin calls are API calls too
        String admin = "http://localhost:" + server.port + "/admin/dead-letters";
        assertEquals(401, http.send("GET", admin, null).status());
        assertEquals(401, http.send("POST", admin + ":replay", null).status());
        assertEquals(200, http.send("GET", admin, null, "Authorization", "Bearer s3cret").status());
        assertEquals(200, http.send("POST", admin + ":replay", null, "Authorization", "Bearer s3cret").status());
    }

    @Test
    void healthStaysOpen() throws Exception {
        int health = http.send("GET", "http://localhost:" + server.port + "/observe/health", null).status();
        assertTrue(health == 200 || health == 503, "health answers without a token: " + health);
        assertEquals(200, http.send("GET", "http://localhost:" + server.port + "/observe/metrics", null).status());
    }
}
