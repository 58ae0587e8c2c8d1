package io.dicombq.bigquery;

import io.dicombq.row.Field;
import io.dicombq.row.MetadataRow;
import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import com.google.cloud.bigquery.BigQueryException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivery through Camel's google-bigquery endpoint (the real producer and client) into
 * {@link FakeBigQueryServer}, with routes made from the YAML route template in
 * {@code bigquery/bigquery-delivery.camel.yaml}, one per destination (two projects).
 */
class GoogleBigQueryDeliveryTest {

    static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");

    FakeBigQueryServer server;
    BigQueryWarehouse warehouse;
    CamelContext context;
    ProducerTemplate producer;
    final TableRef table = TableRef.parse("bq://proj-a.dicom.instances");

    @BeforeEach
    void start() throws Exception {
        server = new FakeBigQueryServer();
        server.addDataset("proj-a", "dicom");
        server.addDataset("proj-b", "dicom");
        BigQueryClients clients = new BigQueryClients(server.url(), null);
        warehouse = new BigQueryWarehouse(clients);
        warehouse.prepare(table);

        context = new DefaultCamelContext();
        RowBatchStrategy batches = new RowBatchStrategy();
        batches.setMaxRows(3); // small, so a test batch completes by size, not by the linger
        context.getRegistry().bind("rowBatchStrategy", batches);
        context.getRegistry().bind("bigQueryClients", clients);
        context.getRegistry().bind("bigQueryInsertBatch", new BigQueryInsertBatch(warehouse));
        context.getRegistry().bind("bigQueryRejections", new BigQueryRejections());
        PluginHelper.getRoutesLoader(context).loadRoutes(
                ResourceHelper.resolveResource(context, "classpath:bigquery/bigquery-delivery.camel.yaml"));
        for (String uri : List.of("bq://proj-a.dicom.instances", "bq://proj-b.dicom.instances")) {
            TableRef ref = TableRef.parse(uri);
            TemplatedRouteBuilder.builder(context, "bigquery-destination")
                    .routeId(ref.project())
                    .parameter("routeId", ref.project())
                    .parameter("tableUri", uri)
                    .parameter("project", ref.project())
                    .parameter("dataset", ref.dataset())
                    .parameter("table", ref.table())
                    .parameter("deadLetter", "mock:dead-letter")
                    .parameter("delivered", "mock:delivered")
                    .add();
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the insert step alone, without the aggregator, to see failures in the caller
                from("direct:insert-now").routeId("insert-now")
                        .bean("bigQueryInsertBatch", "prepare")
                        .to("google-bigquery:proj-a:dicom:instances?connectionFactory=#bigQueryConnectionFactory-proj-a");
            }
        });
        clients.bindConnectionFactory(context, "proj-a");
        context.start();
        producer = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
        warehouse.close();
        server.close();
    }

    @Test
    void aBatchGoesOutAsOneInsertAllWithInsertIds() throws Exception {
        MockEndpoint delivered = context.getEndpoint("mock:delivered", MockEndpoint.class);
        delivered.expectedMessageCount(1);
        List<MetadataRow> rows = List.of(
                TestRows.withPatientName(TestRows.row("1.2.3.4.1", "INSERT", T1), "Doe", "Jane"),
                TestRows.row("1.2.3.4.2", "INSERT", T1),
                TestRows.row("1.2.3.4.3", "DELETE", T1));
        for (MetadataRow row : rows) {
            producer.sendBody("direct:proj-a", row);
        }
        delivered.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));

        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/projects/proj-a/datasets/dicom/tables/instances/insertAll");
        assertEquals(1, inserts.size(), "one insertAll for the batch");
        List<Map<String, Object>> sent = inserts.get(0).list("rows");
        assertEquals(3, sent.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(RowInsertIds.of(rows.get(i)), sent.get(i).get("insertId"));
            assertEquals(asJson(JsonRows.content(rows.get(i))), sent.get(i).get("json"));
        }
        assertFalse(((Map<?, ?>) sent.get(0).get("json")).containsKey("insertId"), "the id is not sent as a column");
        // the PatientName column was added before the insert
        assertEquals(1, server.calls("PATCH", "/tables/instances").size());
        assertEquals(3, server.table("proj-a", "dicom", "instances").rows.size());
        assertEquals(List.of(), context.getEndpoint("mock:dead-letter", MockEndpoint.class).getExchanges());
    }

    private static Object asJson(Object value) throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return json.readValue(json.writeValueAsBytes(value), Object.class);
    }

    @Test
    void rejectedRowsAreDeadLetteredWithTheReasonAndTheOthersLand() throws Exception {
        FakeBigQueryServer.FakeTable t = server.table("proj-a", "dicom", "instances");
        List<Map<String, Object>> fields = new java.util.ArrayList<>(t.fields);
        fields.add(Map.of("name", "NumberOfFrames", "type", "INTEGER", "mode", "NULLABLE"));
        t.replaceFields(fields);

        MockEndpoint deadLetter = context.getEndpoint("mock:dead-letter", MockEndpoint.class);
        deadLetter.expectedMessageCount(1);
        MockEndpoint delivered = context.getEndpoint("mock:delivered", MockEndpoint.class);
        delivered.expectedMessageCount(1);

        MetadataRow bad = TestRows.with(TestRows.row("1.2.3.4.2", "INSERT", T1),
                Field.nullable("NumberOfFrames", Field.Type.STRING), "many");
        List<MetadataRow> rows = List.of(TestRows.row("1.2.3.4.1", "INSERT", T1), bad,
                TestRows.row("1.2.3.4.3", "INSERT", T1));
        rows.forEach(r -> producer.sendBody("direct:proj-a", r));

        deadLetter.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        delivered.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertEquals(bad, deadLetter.getExchanges().get(0).getMessage().getBody());
        assertEquals("invalid at NumberOfFrames: Cannot convert value to integer (bad value): many",
                deadLetter.getExchanges().get(0).getMessage().getHeader("DicomRejectReason"));

        List<FakeBigQueryServer.Call> inserts = server.calls("POST", "/tables/instances/insertAll");
        assertEquals(2, inserts.size(), "the batch, then the two stopped rows again");
        assertEquals(List.of(RowInsertIds.of(rows.get(0)), RowInsertIds.of(rows.get(2))),
                inserts.get(1).list("rows").stream().map(r -> r.get("insertId")).toList());
        List<Object> landed = t.rows.stream().map(r -> r.get("SOPInstanceUID")).toList();
        assertEquals(List.of("1.2.3.4.1", "1.2.3.4.3"), landed);
    }

    @Test
    void otherFailuresReachTheErrorHandlerUnchanged() {
        // the table vanished after it was prepared: insertAll answers 404, which is no row error
        server.dropTable("proj-a", "dicom", "instances");
        CamelExecutionException e = assertThrows(CamelExecutionException.class, () ->
                producer.sendBodyAndHeader("direct:insert-now", List.of(TestRows.row("1.2.3.4.1", "INSERT", T1)),
                        BigQueryHeaders.TABLE, table.uri()));
        BigQueryException cause = assertInstanceOf(BigQueryException.class, e.getCause());
        assertEquals(404, cause.getCode());
        assertTrue(context.getEndpoint("mock:dead-letter", MockEndpoint.class).getExchanges().isEmpty());
    }

    @Test
    void aMissingDatasetIsNamedInTheError() {
        CamelExecutionException e = assertThrows(CamelExecutionException.class, () ->
                producer.sendBodyAndHeader("direct:insert-now", TestRows.row("1.2.3.4.1", "INSERT", T1),
                        BigQueryHeaders.TABLE, "bq://proj-b.nodataset.instances"));
        assertTrue(e.getCause().getMessage().contains("dataset proj-b:nodataset does not exist"), e.getCause().getMessage());
    }

    @Test
    void anotherProjectsTableIsWrittenWithThatProjectsClient() throws Exception {
        warehouse.prepare(TableRef.parse("bq://proj-b.dicom.instances"));
        MockEndpoint delivered = context.getEndpoint("mock:delivered", MockEndpoint.class);
        delivered.expectedMessageCount(1);
        for (int i = 1; i <= 3; i++) {
            producer.sendBody("direct:proj-b", TestRows.row("1.2.3.4." + i, "INSERT", T1));
        }
        delivered.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
        assertEquals(1, server.calls("POST", "/projects/proj-b/datasets/dicom/tables/instances/insertAll").size());
        assertEquals(3, server.table("proj-b", "dicom", "instances").rows.size());
        assertTrue(server.table("proj-a", "dicom", "instances").rows.isEmpty());
    }
}
