package io.dicombq.stream;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.ServiceColumns;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.Warehouse;
import org.apache.camel.Body;
import org.apache.camel.Header;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes rows into destination tables through one {@link BatchWriter} per table, with as many
 * inserts in flight per table as the warehouse takes ({@link Warehouse#concurrentInserts()}).
 * Called by the destination routes: {@code write} (the table from the DicomDestination header, the
 * row from the body) returns once the row is in the table.
 */
public final class Destinations implements AutoCloseable {
    private final Warehouse warehouse;
    private final String storeName;
    private final int maxBatchRows;
    private final long lingerMillis;
    private final Map<String, BatchWriter> writers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> includeSourceStore = new ConcurrentHashMap<>();

    public Destinations(Warehouse warehouse, String storeName, int maxBatchRows, long lingerMillis) {
        this.warehouse = warehouse;
        this.storeName = storeName;
        this.maxBatchRows = maxBatchRows;
        this.lingerMillis = lingerMillis;
    }

    void configure(StreamConfig config) {
        includeSourceStore.put(config.table().uri(), config.includeSourceStore());
    }

    /** Creates the table and its view when missing. */
    void prepare(TableRef table) throws Exception {
        warehouse.prepare(table);
    }

    public void write(@Header("DicomDestination") String tableUri, @Body MetadataRow row) throws Exception {
        MetadataRow out = Boolean.TRUE.equals(includeSourceStore.get(tableUri))
                ? ServiceColumns.withSourceStore(row, storeName) : row;
        writers.computeIfAbsent(tableUri, this::newWriter).write(out);
    }

    private BatchWriter newWriter(String tableUri) {
        TableRef table = TableRef.parse(tableUri);
        return new BatchWriter(table.id(), rows -> warehouse.insert(table, rows), maxBatchRows, lingerMillis,
                warehouse.concurrentInserts());
    }

    @Override
    public void close() throws Exception {
        // the warehouse is a bean of its own and is closed by the registry, not here
        for (BatchWriter w : writers.values()) {
            w.close();
        }
    }
}
