package io.dicombq.bigquery;

import com.google.cloud.bigquery.BigQuery;
import org.apache.camel.component.google.bigquery.GoogleBigQueryConnectionFactory;

/**
 * A google-bigquery connection factory for one project, handing out the shared client from
 * {@link BigQueryClients}. Declared as a route-template bean, so that each destination route
 * gets the client of its own table's project without a registry entry per project:
 * <pre>
 * beans:
 *   - name: bigQueryFactory
 *     type: "#class:io.dicombq.bigquery.ProjectConnectionFactory"
 *     properties: { project: "{{project}}", clients: "#bigQueryClients" }
 * ... google-bigquery:{{project}}:{{dataset}}:{{table}}?connectionFactory=#{{bigQueryFactory}}
 * </pre>
 */
public class ProjectConnectionFactory extends GoogleBigQueryConnectionFactory {

    private BigQueryClients clients;
    private String project;

    public ProjectConnectionFactory() {
    }

    public ProjectConnectionFactory(BigQueryClients clients, String project) {
        this.clients = clients;
        this.project = project;
    }

    @Override
    public BigQuery getDefaultClient() {
        if (clients == null || project == null) {
            throw new IllegalStateException("ProjectConnectionFactory needs clients and project");
        }
        return clients.forProject(project);
    }

    public BigQueryClients getClients() {
        return clients;
    }

    public void setClients(BigQueryClients clients) {
        this.clients = clients;
    }

    public String getProject() {
        return project;
    }

    public void setProject(String project) {
        this.project = project;
    }
}
