package io.dicombq.bigquery;

import io.dicombq.warehouse.BigQueryWarehouse;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The bundle's {@code bigquery.camel.yaml} on a Camel context of its own, wired as
 * {@code routes/beans.camel.yaml} wires it: for the BigQuery tests and the bench's (g).
 */
public record BigQueryRouteContext(CamelContext context, CamelBigQueryDelivery delivery) {

    /** @param routes where the route file is, e.g. {@code classpath:camel/bigquery.camel.yaml} or {@code file:/...} */
    public static BigQueryRouteContext start(BigQueryWarehouse tables, String routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("bigQueryInsertBatch", new BigQueryInsertBatch(tables));
        context.getRegistry().bind("bigQueryRejections", new BigQueryRejections());
        context.addRoutesConfigurations(new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("sub-route").errorHandler(noErrorHandler()); // as routes/stream.camel.yaml
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, routes));
        CamelBigQueryDelivery delivery = new CamelBigQueryDelivery(tables);
        context.getRegistry().bind("warehouse", delivery); // the registry hands it the CamelContext
        context.start();
        return new BigQueryRouteContext(context, delivery);
    }
}
