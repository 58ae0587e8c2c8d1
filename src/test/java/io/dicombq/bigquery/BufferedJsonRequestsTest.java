package io.dicombq.bigquery;

import com.google.api.client.http.GZipEncoding;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.api.services.bigquery.model.TableDataInsertAllRequest;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQueryOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BufferedJsonRequestsTest {

    @Test
    void anInsertAllBodyIsSentByteForByteAsTheClientWritesItAndTheCredentialsStillApply() throws Exception {
        BigQueryOptions options = BigQueryOptions.newBuilder().setProjectId("proj-a")
                .setCredentials(GoogleCredentials.create(new AccessToken("token-1", new Date(System.currentTimeMillis() + 3_600_000))))
                .build();
        HttpRequestInitializer initializer = new BufferedJsonRequests().getHttpRequestInitializer(options);
        MockHttpTransport transport = new MockHttpTransport.Builder()
                .setLowLevelHttpResponse(new MockLowLevelHttpResponse().setContent("{}"))
                .build();
        JsonHttpContent asTheClientMakesIt = new JsonHttpContent(GsonFactory.getDefaultInstance(), insertAll(400));
        String unbuffered = written(asTheClientMakesIt);
        assertTrue(unbuffered.length() > 5 * 8192, "the body spans several buffers: " + unbuffered.length());

        HttpRequest request = transport.createRequestFactory(initializer)
                .buildPostRequest(new GenericUrl("https://bigquery.googleapis.com/bigquery/v2/x/insertAll"), asTheClientMakesIt);
        request.setEncoding(new GZipEncoding()); // as the client's requests are sent
        request.execute();

        MockLowLevelHttpRequest sent = transport.getLowLevelHttpRequest();
        String body = sent.getContentAsString();
        int at = java.util.stream.IntStream.range(0, Math.min(body.length(), unbuffered.length()))
                .filter(i -> body.charAt(i) != unbuffered.charAt(i)).findFirst().orElse(Math.min(body.length(), unbuffered.length()));
        assertTrue(body.equals(unbuffered), () -> "the body sent differs from the client's own at char " + at + ": "
                + body.substring(at, Math.min(body.length(), at + 60)) + " instead of "
                + unbuffered.substring(at, Math.min(unbuffered.length(), at + 60)));
        assertEquals("Bearer token-1", sent.getFirstHeaderValue("Authorization"), "the credentials' interceptor ran first");
        JsonHttpContent swapped = assertInstanceOf(JsonHttpContent.class, request.getContent());
        assertSame(BufferedJsonRequests.BUFFERED_GSON, swapped.getJsonFactory());
        assertSame(asTheClientMakesIt.getData(), swapped.getData());
        assertEquals(asTheClientMakesIt.getMediaType().build(), swapped.getMediaType().build());
    }

    @Test
    void aWrapperKeyAndAnyOtherBodyAreKept() throws Exception {
        HttpRequestInitializer initializer = new BufferedJsonRequests()
                .getHttpRequestInitializer(BigQueryOptions.newBuilder().setProjectId("proj-a").build());
        MockHttpTransport transport = new MockHttpTransport.Builder()
                .setLowLevelHttpResponse(new MockLowLevelHttpResponse().setContent("{}"))
                .build();
        JsonHttpContent wrapped = new JsonHttpContent(GsonFactory.getDefaultInstance(), Map.of("a", "b")).setWrapperKey("data");
        HttpRequest request = transport.createRequestFactory(initializer)
                .buildPostRequest(new GenericUrl("https://example.test/"), wrapped);
        request.execute();
        assertEquals("{\"data\":{\"a\":\"b\"}}", transport.getLowLevelHttpRequest().getContentAsString());

        HttpRequest get = transport.createRequestFactory(initializer).buildGetRequest(new GenericUrl("https://example.test/"));
        get.execute();
        assertEquals(null, get.getContent());
    }

    /** Rows with what JSON writers trip on: quotes, escapes, non-Latin text, surrogate pairs, nesting, numbers. */
    private static TableDataInsertAllRequest insertAll(int rows) {
        List<TableDataInsertAllRequest.Rows> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("PatientName", "Müller^Jürgen \"J\" \\ " + i);
            json.put("StudyDescription", "頭部 CT 😀 line\nbreak\ttab \u2028 <&>");
            json.put("InstanceNumber", (long) i);
            json.put("SliceThickness", 0.625 * i);
            json.put("ImageType", List.of("ORIGINAL", "PRIMARY", "AXIAL"));
            json.put("ReferencedSeriesSequence", List.of(Map.of("SeriesInstanceUID", "1.2.840.113619." + i)));
            out.add(new TableDataInsertAllRequest.Rows().setInsertId("id-" + i).setJson(json));
        }
        return new TableDataInsertAllRequest().setRows(out);
    }

    private static String written(JsonHttpContent content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
