package io.dicombq.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicNameValuePair;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Real HTTP calls with Apache HttpClient 5; multipart bodies built by its MultipartEntityBuilder. */
final class Http implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ContentType DICOM = ContentType.create("application/dicom");

    record Response(int status, String contentType, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private final CloseableHttpClient client = HttpClients.createDefault();

    /** A STOW-RS body: multipart/related; type="application/dicom", one part per file. */
    static MultipartEntityBuilder stowBody() {
        return MultipartEntityBuilder.create()
                .setContentType(ContentType.create("multipart/related", new BasicNameValuePair("type", "application/dicom")));
    }

    static HttpEntity stowBody(Path... files) {
        MultipartEntityBuilder b = stowBody();
        for (Path f : files) {
            b.addBinaryBody("file", f.toFile(), DICOM, null);
        }
        return b.build();
    }

    Response send(String method, String url, HttpEntity entity, String... headers) throws IOException {
        HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(url));
        if (entity != null) {
            request.setEntity(entity);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return client.execute(request, r -> new Response(r.getCode(),
                r.getFirstHeader("Content-Type") == null ? null : r.getFirstHeader("Content-Type").getValue(),
                r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity())));
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
