package io.dicombq.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dicombq.stream.StreamConfig;
import io.dicombq.warehouse.TableRef;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StoreApiTest {
    @TempDir
    static Path tmp;
    static ApiTestServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = new ApiTestServer(tmp.resolve("bundle"), "");
        http = new Http();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        server.close();
    }

    static StringEntity json(String s) {
        return new StringEntity(s, ContentType.APPLICATION_JSON);
    }

    static String configs(String... uris) {
        StringBuilder b = new StringBuilder("{\"streamConfigs\":[");
        for (int i = 0; i < uris.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"bigqueryDestination\":{\"tableUri\":\"").append(uris[i]).append("\"}}");
        }
        return b.append("]}").toString();
    }

    Http.Response patch(String body) throws Exception {
        return http.send("PATCH", server.base() + "?updateMask=streamConfigs", json(body));
    }

    @Test
    void patchReplacesTheStreamConfigsAndGetShowsThem() throws Exception {
        Http.Response r = patch("{\"streamConfigs\":[{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.ds.t1\","
                + "\"includeSourceStore\":true}},{\"bigqueryDestination\":{\"tableUri\":\"bq://p1.ds.t2\"}}]}");
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of(new StreamConfig(TableRef.parse("bq://p1.ds.t1"), true),
                new StreamConfig(TableRef.parse("bq://p1.ds.t2"), false)), server.streamConfigs().list());
        Http.Response get = http.send("GET", server.base(), null);
        assertEquals(200, get.status(), get.body());
        JsonNode store = get.json();
        assertEquals(ApiTestServer.STORE, store.get("name").asText());
        assertEquals("bq://p1.ds.t1", store.at("/streamConfigs/0/bigqueryDestination/tableUri").asText());
        assertTrue(store.at("/streamConfigs/0/bigqueryDestination/includeSourceStore").asBoolean());
        assertEquals("bq://p1.ds.t2", store.at("/streamConfigs/1/bigqueryDestination/tableUri").asText());
        assertEquals(2, store.get("streamConfigs").size());
    }

    @Test
    void aSixthStreamConfigIsRefusedNamingTheField() throws Exception {
        List<StreamConfig> before = server.streamConfigs().list();
        Http.Response r = patch(configs("bq://p.d.a", "bq://p.d.b", "bq://p.d.c", "bq://p.d.d", "bq://p.d.e", "bq://p.d.f"));
        assertEquals(400, r.status(), r.body());
        assertEquals("INVALID_ARGUMENT", r.json().at("/error/status").asText());
        assertTrue(r.json().at("/error/message").asText().startsWith("streamConfigs[5]"), r.body());
        assertEquals(before, server.streamConfigs().list());
    }

    @Test
    void invalidOrDuplicateTableUrisAreRefusedNamingTheField() throws Exception {
        Http.Response bad = patch(configs("bq://p.d.ok", "bq://Not A Project.d.t"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().at("/error/message").asText().startsWith("streamConfigs[1].bigqueryDestination.tableUri: "),
                bad.body());
        Http.Response noScheme = patch(configs("p.d.t"));
        assertEquals(400, noScheme.status(), noScheme.body());
        Http.Response dup = patch(configs("bq://p.d.t", "bq://p.d.t"));
        assertEquals(400, dup.status(), dup.body());
        assertTrue(dup.json().at("/error/message").asText().startsWith("streamConfigs[1]"), dup.body());
        Http.Response flag = patch("{\"streamConfigs\":[{\"bigqueryDestination\":{\"tableUri\":\"bq://p.d.t\","
                + "\"includeSourceStore\":\"yes\"}}]}");
        assertEquals(400, flag.status(), flag.body());
        assertTrue(flag.json().at("/error/message").asText().contains("includeSourceStore"), flag.body());
    }

    @Test
    void updateMaskIsRequiredAndOnlyStreamConfigs() throws Exception {
        Http.Response none = http.send("PATCH", server.base(), json(configs("bq://p.d.t")));
        assertEquals(400, none.status(), none.body());
        assertTrue(none.json().at("/error/message").asText().contains("updateMask"));
        Http.Response other = http.send("PATCH", server.base() + "?updateMask=labels", json(configs("bq://p.d.t")));
        assertEquals(400, other.status(), other.body());
        assertTrue(other.json().at("/error/message").asText().contains("labels"));
        Http.Response notJson = patch("{not json");
        assertEquals(400, notJson.status(), notJson.body());
        assertFalse(notJson.body().contains("at com."), "no stack trace: " + notJson.body());
    }

    @Test
    void unknownStoreNamesAre404() throws Exception {
        for (String url : List.of(server.base().replace("/projects/p1/", "/projects/p2/"),
                server.base().replace("/locations/us/", "/locations/eu/"),
                server.base().replace("/datasets/ds/", "/datasets/other/"),
                server.base().replace("/dicomStores/st", "/dicomStores/st2"))) {
            Http.Response r = http.send("GET", url, null);
            assertEquals(404, r.status(), url + " " + r.body());
            assertEquals("NOT_FOUND", r.json().at("/error/status").asText());
        }
    }

    @Test
    void deleteOfAnUnknownStudyIs404AndBadUidsAre400() throws Exception {
        Http.Response r = http.send("DELETE", server.studies() + "/1.2.3.4.5", null);
        assertEquals(404, r.status(), r.body());
        assertEquals("NOT_FOUND", r.json().at("/error/status").asText());
        Http.Response bad = http.send("DELETE", server.studies() + "/1.2.3/series/..%2F..", null);
        assertEquals(400, bad.status(), bad.body());
    }

    @Test
    void deleteAtStudySeriesAndInstanceLevel() throws Exception {
        assumeTrue(TestDicom.available(), "dcmtk's dump2dcm is needed");
        String study = "1.2.826.0.1.3680043.8.498.9";
        Path files = tmp.resolve("files");
        Path[] instances = {
                TestDicom.instance(files, study, study + ".1", study + ".1.1"),
                TestDicom.instance(files, study, study + ".1", study + ".1.2"),
                TestDicom.instance(files, study, study + ".2", study + ".2.1")};
        assertEquals(200, http.send("POST", server.studies(), Http.stowBody(instances)).status());
        assertTrue(Files.exists(server.stored(study, study + ".1", study + ".1.2")));

        Http.Response one = http.send("DELETE", server.studies() + "/" + study + "/series/" + study + ".1/instances/"
                + study + ".1.2", null);
        assertEquals(200, one.status(), one.body());
        assertFalse(Files.exists(server.stored(study, study + ".1", study + ".1.2")));
        assertTrue(Files.exists(server.stored(study, study + ".1", study + ".1.1")));
        Http.Response series = http.send("DELETE", server.studies() + "/" + study + "/series/" + study + ".1", null);
        assertEquals(200, series.status(), series.body());
        assertTrue(Files.exists(server.stored(study, study + ".2", study + ".2.1")));
        Http.Response all = http.send("DELETE", server.studies() + "/" + study, null);
        assertEquals(200, all.status(), all.body());
        assertFalse(Files.exists(server.stored(study, study + ".2", study + ".2.1")));
        assertEquals(404, http.send("DELETE", server.studies() + "/" + study, null).status());
        assertEquals(404, http.send("DELETE", server.studies() + "/" + study + "/series/" + study + ".3", null).status());
    }

    @Test
    void importStartsAnOperationThatCanBeFollowed() throws Exception {
        String body = "{\"gcsSource\":{\"uri\":\"gs://bucket/dir/**.dcm\"}}";
        Http.Response r = http.send("POST", server.base() + ":import", json(body));
        assertEquals(200, r.status(), r.body());
        String name = r.json().get("name").asText();
        assertTrue(name.startsWith("projects/p1/locations/us/datasets/ds/operations/"), name);
        if (server.standIns != null) {
            assertEquals(body, server.standIns.importBodies.get(server.standIns.importBodies.size() - 1));
        }
        Http.Response op = http.send("GET", "http://localhost:" + server.port + "/v1/" + name, null);
        assertEquals(200, op.status(), op.body());
        assertEquals(name, op.json().get("name").asText());
        Http.Response missing = http.send("GET", "http://localhost:" + server.port
                + "/v1/projects/p1/locations/us/datasets/ds/operations/nope", null);
        assertEquals(404, missing.status(), missing.body());
    }

    @Test
    void exportStartsAnOperationAndABadOneNamesTheField() throws Exception {
        Http.Response bad = http.send("POST", server.base() + ":export", json("{}"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.json().at("/error/message").asText().contains("bigqueryDestination"), bad.body());
        Http.Response ok = http.send("POST", server.base() + ":export",
                json("{\"bigqueryDestination\":{\"tableUri\":\"bq://local.dicom.exported\",\"writeDisposition\":\"WRITE_TRUNCATE\"}}"));
        assertEquals(200, ok.status(), ok.body());
        String name = ok.json().get("name").asText();
        assertEquals(200, http.send("GET", "http://localhost:" + server.port + "/v1/" + name, null).status());
        Http.Response verb = http.send("POST", server.base() + ":frobnicate", json("{}"));
        assertEquals(404, verb.status(), verb.body());
    }

    @Test
    void withoutTheExportRouteTheApiAnswers501() throws Exception {
        var context = server.context();
        var exportRoutes = context.getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith("direct://export")).toList();
        for (var r : exportRoutes) {
            context.getRouteController().stopRoute(r.getRouteId());
        }
        try {
            Http.Response r = http.send("POST", server.base() + ":export", json("{}"));
            assertEquals(501, r.status(), r.body());
            assertEquals("UNIMPLEMENTED", r.json().at("/error/status").asText());
        } finally {
            for (var r : exportRoutes) {
                context.getRouteController().startRoute(r.getRouteId());
            }
        }
    }
}
