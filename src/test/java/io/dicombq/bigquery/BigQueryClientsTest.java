package io.dicombq.bigquery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import org.apache.camel.component.google.bigquery.GoogleBigQueryConnectionFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BigQueryClientsTest {

    @Test
    void hostOverrideUsesNoCredentialsAndOneClientPerProject() throws Exception {
        BigQueryClients clients = new BigQueryClients("http://127.0.0.1:9050", "");
        BigQuery a = clients.forProject("proj-a");
        assertSame(a, clients.forProject("proj-a"));
        assertNotSame(a, clients.forProject("proj-b"));
        assertEquals("proj-b", clients.forProject("proj-b").getOptions().getProjectId());
        assertEquals("http://127.0.0.1:9050", a.getOptions().getHost());
        assertSame(NoCredentials.getInstance(), a.getOptions().getCredentials());

        try (DefaultCamelContext context = new DefaultCamelContext()) {
            String name = clients.bindConnectionFactory(context, "proj-a");
            assertEquals("bigQueryConnectionFactory-proj-a", name);
            GoogleBigQueryConnectionFactory factory =
                    context.getRegistry().lookupByNameAndType(name, GoogleBigQueryConnectionFactory.class);
            assertSame(a, factory.getDefaultClient(), "the endpoint inserts with the project's own client");
        }
    }

    @Test
    void serviceAccountKeyFileIsUsedWhenNoHostIsSet(@TempDir Path dir) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path key = dir.resolve("key.json");
        Files.write(key, new ObjectMapper().writeValueAsBytes(Map.of(
                "type", "service_account", "project_id", "proj-a", "private_key_id", "k1", "private_key", pem,
                "client_email", "writer@proj-a.iam.gserviceaccount.com", "client_id", "1",
                "token_uri", "https://oauth2.googleapis.com/token")));

        BigQueryClients clients = new BigQueryClients(null, key.toString());
        ServiceAccountCredentials credentials = assertInstanceOf(ServiceAccountCredentials.class,
                clients.forProject("proj-b").getOptions().getCredentials());
        assertEquals("writer@proj-a.iam.gserviceaccount.com", credentials.getClientEmail());
        assertTrue(credentials.getScopes().contains("https://www.googleapis.com/auth/bigquery"));
        assertEquals("proj-b", clients.forProject("proj-b").getOptions().getProjectId(),
                "the destination's project, not the key's");
    }

    @Test
    void unreadableKeyFileNamesTheProperty(@TempDir Path dir) {
        BigQueryClients clients = new BigQueryClients(null, dir.resolve("missing.json").toString());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> clients.forProject("p"));
        assertTrue(e.getMessage().contains("dicom.bigquery.credentials-file"), e.getMessage());
    }
}
