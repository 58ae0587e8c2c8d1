package io.dicombq.gcs;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.google.storage.GoogleCloudStorageComponent;
import org.apache.camel.component.google.storage.GoogleCloudStorageConfiguration;
import org.apache.camel.component.google.storage.GoogleCloudStorageEndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * camel-google-storage with a consumer that reads a bucket one page at a time. The stock consumer
 * lists the whole prefix into memory on every poll, which a bucket with millions of objects cannot
 * afford. Everything else (options, producer, headers) is the stock component's; bound as
 * {@code google-storage} so routes keep the documented URI.
 */
public class PagedStorageComponent extends GoogleCloudStorageComponent {
    // endpoint options are set through the stock component's generated configurer, which Camel
    // looks up by component class and so would not find for this subclass
    private final PropertyConfigurer endpointConfigurer = new GoogleCloudStorageEndpointConfigurer();
    private int pageSize = 100;

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return endpointConfigurer;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("Bucket name must be specified.");
        }
        GoogleCloudStorageConfiguration configuration
                = getConfiguration() != null ? getConfiguration().copy() : new GoogleCloudStorageConfiguration();
        configuration.setBucketName(remaining);
        Endpoint endpoint = new PagedStorageEndpoint(uri, this, configuration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public int getPageSize() {
        return pageSize;
    }

    /** Objects listed (and so held in memory) per poll; Cloud Storage returns at most 1000 per page. */
    public void setPageSize(int pageSize) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("pageSize must be 1..1000, got " + pageSize);
        }
        this.pageSize = pageSize;
    }
}
