package io.dicombq.bigquery;

import io.dicombq.warehouse.BigQueryWarehouse;
import io.dicombq.warehouse.TableRef;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The beans wired from properties alone (as application.properties does) deliver through the template. */
class BigQueryMainConfigTest {

    FakeBigQueryServer server;
    Main main;

    @BeforeEach
    void start() throws Exception {
        server = new FakeBigQueryServer();
        server.addDataset("proj-a", "dicom");
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation("classpath:bigquery/bigquery-beans.properties");
        main.addInitialProperty("dicom.bigquery.host", server.url());
        main.start();
    }

    @AfterEach
    void stop() {
        main.stop();
        server.close();
    }

    @Test
    void propertiesAloneWireTheBigQueryDelivery() throws Exception {
        CamelContext context = main.getCamelContext();
        BigQueryClients clients = context.getRegistry().lookupByNameAndType("bigQueryClients", BigQueryClients.class);
        assertEquals(server.url(), clients.getHost());
        BigQueryWarehouse warehouse = context.getRegistry().lookupByNameAndType("bigQueryWarehouse", BigQueryWarehouse.class);
        TableRef table = TableRef.parse("bq://proj-a.dicom.instances");
        warehouse.prepare(table);

        TemplatedRouteBuilder.builder(context, "bigquery-destination")
                .parameter("routeId", "dest-1").parameter("tableUri", table.uri())
                .parameter("project", "proj-a").parameter("dataset", "dicom").parameter("table", "instances")
                .parameter("linger", "50")
                .add();
        context.createProducerTemplate().sendBody("direct:dest-1", TestRows.row("1.2.3.4.1", "INSERT", Instant.EPOCH));

        // one row: the batch completes by the linger, so wait for it to land (no timing in the verdict)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.table("proj-a", "dicom", "instances").rows.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, server.table("proj-a", "dicom", "instances").rows.size());
        assertTrue(server.calls("POST", "/projects/proj-a/datasets/dicom/tables/instances/insertAll").size() == 1);
    }
}
