package io.dicombq.bigquery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.GZipEncoding;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.api.client.util.Data;
import com.google.api.client.util.GenericData;
import com.google.api.services.bigquery.model.TableDataInsertAllRequest;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.bigquery.BigQueryOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRequestBodiesTest {

    // floats read as BigDecimal: "0.1" and "0.10000000149011612" stay apart
    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void anInsertAllBodyIsWrittenByJacksonAsTheSameJsonAndTheCredentialsStillApply() throws Exception {
        MockHttpTransport transport = okTransport();
        TableDataInsertAllRequest data = insertAll(400).setIgnoreUnknownValues(false).setSkipInvalidRows(true)
                .setKind("bigquery#tableDataInsertAllRequest").setTemplateSuffix("_x").setTraceId("trace-1");
        JsonHttpContent asTheClientMakesIt = new JsonHttpContent(GsonFactory.getDefaultInstance(), data);
        String clients = written(asTheClientMakesIt);
        assertTrue(clients.length() > 5 * 8192, "the body spans several buffers: " + clients.length());

        HttpRequest request = transport.createRequestFactory(initializer(withToken()))
                .buildPostRequest(new GenericUrl("https://bigquery.googleapis.com/bigquery/v2/x/insertAll"), asTheClientMakesIt);
        request.setEncoding(new GZipEncoding()); // as the client's requests are sent
        request.execute();

        MockLowLevelHttpRequest sent = transport.getLowLevelHttpRequest();
        assertEquals("gzip", sent.getContentEncoding());
        String body = sent.getContentAsString(); // gunzipped
        JsonNode expected = EXACT.readTree(clients);
        JsonNode actual = EXACT.readTree(body);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.get("rows").size(); i++) {
            assertEquals(expected.get("rows").get(i), actual.get("rows").get(i), "row " + i);
        }
        assertEquals(expected, actual);
        assertTrue(body.contains("\"f\":0.1,"), body.substring(0, 400));
        assertEquals("Bearer token-1", sent.getFirstHeaderValue("Authorization"), "the credentials' interceptor ran first");
        InsertAllBody swapped = assertInstanceOf(InsertAllBody.class, request.getContent());
        assertSame(data, swapped.request());
        assertEquals(asTheClientMakesIt.getMediaType().build(), swapped.getType());
    }

    @Test
    void aBodyWithAValueTheClientWritesItsOwnWayIsLeftToTheClient() throws Exception {
        Map<String, Object> deep = new LinkedHashMap<>();
        for (int i = 0; i < 1100; i++) { // deeper than Jackson writes
            deep = new LinkedHashMap<>(Map.of("in", deep));
        }
        // BigDecimal, BigInteger and Byte: JsonRows.content turns them into strings first
        List<Object> odd = Arrays.asList(deep, new BigDecimal("1.50"), BigInteger.TEN.pow(30), (byte) 1, Double.NaN, Float.POSITIVE_INFINITY, Data.NULL_STRING, Data.NULL_LONG,
                Data.NULL_DOUBLE, Data.NULL_BOOLEAN, Data.NULL_INTEGER, Data.NULL_FLOAT, Data.NULL_SHORT,
                Data.NULL_BIG_DECIMAL, Data.nullOf(ArrayList.class), Data.nullOf(LinkedHashMap.class),
                LocalDate.of(2026, 12, 6), new GenericData().set("a", 1), Set.of("s"), Map.of(1, "non-string key"),
                List.of(List.of(Double.NEGATIVE_INFINITY)), new int[] {1, 2});
        for (Object value : odd) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("fine", "x");
            json.put("odd", value);
            TableDataInsertAllRequest data = new TableDataInsertAllRequest()
                    .setRows(List.of(new TableDataInsertAllRequest.Rows().setInsertId("i").setJson(json)));
            assertNull(InsertAllBody.of(new JsonHttpContent(GsonFactory.getDefaultInstance(), data)), String.valueOf(value));
            HttpRequest request = rewritten(new JsonHttpContent(GsonFactory.getDefaultInstance(), data));
            JsonHttpContent kept = assertInstanceOf(JsonHttpContent.class, request.getContent(), String.valueOf(value));
            assertSame(JsonRequestBodies.BUFFERED_GSON, kept.getJsonFactory());
        }
        TableDataInsertAllRequest unknownField = insertAll(1);
        unknownField.set("newField", "v");
        assertNull(InsertAllBody.of(new JsonHttpContent(GsonFactory.getDefaultInstance(), unknownField)));
        assertNull(InsertAllBody.of(new JsonHttpContent(GsonFactory.getDefaultInstance(), insertAll(1)).setWrapperKey("data")));
    }

    @Test
    void aRowsJsonRememberedOnThisThreadUnderItsInsertIdIsSentAsItIsWhileTheRowHoldsItsValues() throws Exception {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("a", 1L);
        content.put("n", null);
        // bytes that differ from the map, to tell which one was sent
        byte[] made = "{\"made\":\"before\"}".getBytes(StandardCharsets.UTF_8);
        String id = new String("id-1");
        Map<String, Object> copy = new java.util.HashMap<>(content); // as the client copies each row
        Map<String, Object> otherValue = new java.util.HashMap<>(content);
        otherValue.put("a", 2L);
        Map<String, Object> lessColumns = new java.util.HashMap<>(Map.of("a", 1L));
        TableDataInsertAllRequest data = new TableDataInsertAllRequest().setRows(List.of(
                new TableDataInsertAllRequest.Rows().setInsertId(id).setJson(copy),
                new TableDataInsertAllRequest.Rows().setInsertId(new String("id-1")).setJson(copy),
                new TableDataInsertAllRequest.Rows().setInsertId(id).setJson(otherValue),
                new TableDataInsertAllRequest.Rows().setInsertId(id).setJson(lessColumns)));
        try {
            InsertAllBody.remember(id, content, made);
            assertEquals("{\"rows\":[{\"insertId\":\"id-1\",\"json\":{\"made\":\"before\"}},"
                    + "{\"insertId\":\"id-1\",\"json\":{\"a\":1}}," // an equal id that is another String
                    + "{\"insertId\":\"id-1\",\"json\":{\"a\":2}}," // a value replaced after the JSON was made
                    + "{\"insertId\":\"id-1\",\"json\":{\"a\":1}}]}", // a column dropped
                    written(InsertAllBody.of(new JsonHttpContent(GsonFactory.getDefaultInstance(), data))));
        } finally {
            InsertAllBody.forget();
        }
        assertTrue(written(InsertAllBody.of(new JsonHttpContent(GsonFactory.getDefaultInstance(), data)))
                .startsWith("{\"rows\":[{\"insertId\":\"id-1\",\"json\":{\"a\":1}},"), "forgotten");
    }

    @Test
    void theClientsRequestModelHasTheFieldsTheBodyWrites() {
        // a newer client with another insertAll field would have its bodies left to its own writer
        assertTrue(InsertAllBody.MODEL_AS_KNOWN, "TableDataInsertAllRequest's fields changed: check InsertAllBody");
    }

    @Test
    void anyOtherJsonBodyIsSentByteForByteAsTheClientWritesItAndAWrapperKeyIsKept() throws Exception {
        GenericData other = new GenericData().set("query", "SELECT \"頭部\" \u2028 <&> 😀").set("useLegacySql", false)
                .set("labels", List.of(Map.of("k", "v")));
        String clients = written(new JsonHttpContent(GsonFactory.getDefaultInstance(), other));
        HttpRequest request = rewritten(new JsonHttpContent(GsonFactory.getDefaultInstance(), other));
        assertEquals(clients, written((JsonHttpContent) request.getContent()));

        MockHttpTransport transport = okTransport();
        JsonHttpContent wrapped = new JsonHttpContent(GsonFactory.getDefaultInstance(), Map.of("a", "b")).setWrapperKey("data");
        HttpRequestInitializer initializer = initializer(BigQueryOptions.newBuilder().setProjectId("proj-a").build());
        transport.createRequestFactory(initializer).buildPostRequest(new GenericUrl("https://example.test/"), wrapped).execute();
        assertEquals("{\"data\":{\"a\":\"b\"}}", transport.getLowLevelHttpRequest().getContentAsString());

        HttpRequest get = transport.createRequestFactory(initializer).buildGetRequest(new GenericUrl("https://example.test/"));
        get.execute();
        assertNull(get.getContent());
    }

    /** Rows with what JSON writers trip on: quotes, escapes, non-Latin text, surrogate pairs, nesting, nulls, numbers. */
    private static TableDataInsertAllRequest insertAll(int rows) {
        List<TableDataInsertAllRequest.Rows> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("f", 0.1f);
            json.put("PatientName", "Müller^Jürgen \"J\" \\ / " + i);
            json.put("StudyDescription", "頭部 CT 😀 line\nbreak\ttab \u2028 \u0001 <&>");
            json.put("InstanceNumber", (long) i);
            json.put("Int", i);
            json.put("Short", (short) i);
            json.put("SliceThickness", 0.625 * i + 1e-300);
            json.put("Flag", i % 2 == 0);
            json.put("Missing", null);
            json.put("ImageType", Arrays.asList("ORIGINAL", null, "AXIAL"));
            json.put("Empty", List.of());
            json.put("ReferencedSeriesSequence", List.of(Map.of("SeriesInstanceUID", "1.2.840.113619." + i),
                    new LinkedHashMap<>(Map.of("Nested", List.of(Map.of()))), new LinkedHashMap<String, Object>() {
                        {
                            put("Null", null);
                        }
                    }));
            out.add(new TableDataInsertAllRequest.Rows().setInsertId(i % 7 == 0 ? null : "id-" + i).setJson(json));
        }
        return new TableDataInsertAllRequest().setRows(out);
    }

    private static MockHttpTransport okTransport() {
        return new MockHttpTransport.Builder().setLowLevelHttpResponse(new MockLowLevelHttpResponse().setContent("{}")).build();
    }

    private static BigQueryOptions withToken() {
        return BigQueryOptions.newBuilder().setProjectId("proj-a")
                .setCredentials(GoogleCredentials.create(new AccessToken("token-1", new Date(System.currentTimeMillis() + 3_600_000))))
                .build();
    }

    private static HttpRequestInitializer initializer(BigQueryOptions options) {
        return new JsonRequestBodies().getHttpRequestInitializer(options);
    }

    private static HttpRequest rewritten(HttpContent content) throws IOException {
        HttpRequest request = okTransport().createRequestFactory().buildPostRequest(new GenericUrl("https://example.test/"), content);
        JsonRequestBodies.rewrite(request);
        return request;
    }

    private static String written(HttpContent content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
