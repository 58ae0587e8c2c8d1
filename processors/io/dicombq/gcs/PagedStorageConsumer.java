package io.dicombq.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.google.storage.GoogleCloudStorageConsumer;
import org.apache.camel.util.CastUtils;

/**
 * Polls one page of the bucket per poll and remembers where it stopped: the next poll continues
 * with the next page, and after the last page it starts over from the beginning. Memory stays at
 * one page however large the bucket is, and objects that keep failing (left in place to be retried)
 * cannot starve the ones behind them.
 * <p>
 * An object is never handed out twice at once: polls run one after another on the consumer's
 * scheduler, and an object whose exchange is still in flight (should a route ever go asynchronous)
 * is skipped until it completes.
 */
public class PagedStorageConsumer extends GoogleCloudStorageConsumer {
    private static final String IN_FLIGHT_NAME = "GcsInFlightObject";

    private final int pageSize;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile String nextPageToken;

    public PagedStorageConsumer(PagedStorageEndpoint endpoint, Processor processor, int pageSize) {
        super(endpoint, processor);
        this.pageSize = pageSize;
    }

    @Override
    protected int poll() throws Exception {
        if (getConfiguration().getObjectName() != null) {
            return super.poll(); // one named object: nothing to page
        }
        shutdownRunningTask = null;
        pendingExchanges = 0;

        List<Storage.BlobListOption> options = new ArrayList<>();
        options.add(Storage.BlobListOption.pageSize(pageSize));
        String prefix = getConfiguration().getPrefix();
        if (prefix != null && !prefix.isEmpty()) {
            options.add(Storage.BlobListOption.prefix(prefix));
        }
        if (nextPageToken != null) {
            options.add(Storage.BlobListOption.pageToken(nextPageToken));
        }
        Page<Blob> page = getStorageClient().list(getConfiguration().getBucketName(),
                options.toArray(Storage.BlobListOption[]::new));
        forceConsumerAsReady();

        String filter = getConfiguration().getFilter();
        Queue<Exchange> exchanges = new LinkedList<>();
        for (Blob blob : page.getValues()) {
            String name = blob.getName();
            if ((filter == null || filter.isEmpty() || name.matches(filter)) && includeObject(blob)
                    && inFlight.add(name)) {
                Exchange exchange = createExchange(blob, name);
                exchange.setProperty(IN_FLIGHT_NAME, name);
                exchanges.add(exchange);
            }
        }
        String token = page.getNextPageToken();
        nextPageToken = token == null || token.isEmpty() ? null : token;
        try {
            return processBatch(CastUtils.cast(exchanges));
        } finally {
            // exchanges left unsent (the consumer is stopping) are not in flight
            for (Exchange left : exchanges) {
                inFlight.remove(left.getProperty(IN_FLIGHT_NAME, String.class));
            }
        }
    }

    @Override
    protected void processCommit(Exchange exchange) {
        try {
            super.processCommit(exchange);
        } finally {
            inFlight.remove(exchange.getProperty(IN_FLIGHT_NAME, String.class));
        }
    }

    @Override
    protected void processRollback(Exchange exchange) {
        try {
            super.processRollback(exchange);
        } finally {
            inFlight.remove(exchange.getProperty(IN_FLIGHT_NAME, String.class));
        }
    }
}
