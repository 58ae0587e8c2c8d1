package io.dicombq.bigquery;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.bigquery.GoogleBigQueryConnectionFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One BigQuery client per project. The client's project matters: insertAll and query jobs
 * run in it (the google-bigquery endpoint ignores its URI's project for inserts), so a
 * destination in another project needs its own client.
 *
 * <p>Credentials, first match wins: {@code host} set (an emulator or test server) uses no
 * credentials at all; {@code credentialsFile} set uses that service-account key file;
 * otherwise Application Default Credentials.
 */
public class BigQueryClients implements AutoCloseable {

    /** Prefix of the registry names {@link #bindConnectionFactory} uses. */
    public static final String FACTORY_BEAN_PREFIX = "bigQueryConnectionFactory-";

    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/bigquery");

    private final Map<String, BigQuery> clients = new ConcurrentHashMap<>();
    private final Map<String, GoogleBigQueryConnectionFactory> factories = new ConcurrentHashMap<>();
    private volatile String host;
    private volatile String credentialsFile;
    private volatile GoogleCredentials credentials;
    private volatile String defaultProject;

    public BigQueryClients() {
    }

    public BigQueryClients(String host, String credentialsFile) {
        setHost(host);
        setCredentialsFile(credentialsFile);
    }

    /** {@code dicom.bigquery.host}: e.g. {@code http://localhost:9050}; empty for Google's endpoint. */
    public void setHost(String host) {
        this.host = blankToNull(host);
    }

    public String getHost() {
        return host;
    }

    /** {@code dicom.bigquery.credentials-file}: a service-account JSON key; empty for ADC. */
    public void setCredentialsFile(String credentialsFile) {
        this.credentialsFile = blankToNull(credentialsFile);
    }

    public String getCredentialsFile() {
        return credentialsFile;
    }

    /** {@code dicom.bigquery.project}: where queries that name no project run; empty for the environment's default. */
    public void setDefaultProject(String defaultProject) {
        this.defaultProject = blankToNull(defaultProject);
    }

    public String getDefaultProject() {
        return defaultProject != null ? defaultProject : com.google.cloud.ServiceOptions.getDefaultProjectId();
    }

    /** The client for {@code project}, built on first use and then shared. */
    public BigQuery forProject(String project) {
        return clients.computeIfAbsent(project, this::build);
    }

    /** The Camel connection factory handing out {@link #forProject}'s client. */
    public GoogleBigQueryConnectionFactory connectionFactory(String project) {
        return factories.computeIfAbsent(project, p -> new ProjectConnectionFactory(this, p));
    }

    /**
     * Registry name of the project's connection factory (see {@link #bindConnectionFactory}).
     * A domain-scoped project's {@code :} becomes {@code _} (never part of a project ID), so
     * the name can stand in an endpoint URI.
     */
    public static String factoryBeanName(String project) {
        return FACTORY_BEAN_PREFIX + project.replace(':', '_');
    }

    /**
     * Binds the project's connection factory into the registry (once) and returns its name,
     * for a {@code google-bigquery:PROJECT:DATASET:TABLE?connectionFactory=#NAME} endpoint.
     */
    public String bindConnectionFactory(CamelContext context, String project) {
        String name = factoryBeanName(project);
        if (context.getRegistry().lookupByName(name) == null) {
            context.getRegistry().bind(name, GoogleBigQueryConnectionFactory.class, connectionFactory(project));
        }
        return name;
    }

    private BigQuery build(String project) {
        BigQueryOptions.Builder builder = BigQueryOptions.newBuilder().setProjectId(project)
                .setTransportOptions(new JsonRequestBodies());
        if (host != null) {
            builder.setHost(host).setCredentials(NoCredentials.getInstance());
        } else if (credentialsFile != null) {
            builder.setCredentials(keyFileCredentials());
        }
        // neither: BigQueryOptions falls back to Application Default Credentials by itself
        return builder.build().getService();
    }

    private synchronized GoogleCredentials keyFileCredentials() {
        if (credentials == null) {
            try (InputStream in = Files.newInputStream(Path.of(credentialsFile))) {
                GoogleCredentials c = GoogleCredentials.fromStream(in);
                credentials = c.createScopedRequired() ? c.createScoped(SCOPES) : c;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read BigQuery credentials file " + credentialsFile
                        + " (dicom.bigquery.credentials-file): " + e.getMessage(), e);
            }
        }
        return credentials;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public void close() {
        clients.clear();
        factories.clear();
    }
}
