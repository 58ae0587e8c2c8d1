package io.dicombq.gcs;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.google.storage.GoogleCloudStorageConfiguration;
import org.apache.camel.component.google.storage.GoogleCloudStorageEndpoint;

/** The stock endpoint, whose consumer pages through the bucket ({@link PagedStorageConsumer}). */
public class PagedStorageEndpoint extends GoogleCloudStorageEndpoint {
    public PagedStorageEndpoint(String uri, PagedStorageComponent component, GoogleCloudStorageConfiguration configuration) {
        super(uri, component, configuration);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        PagedStorageConsumer consumer = new PagedStorageConsumer(this, processor,
                ((PagedStorageComponent) getComponent()).getPageSize());
        configureConsumer(consumer);
        return consumer;
    }
}
