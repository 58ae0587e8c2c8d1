package io.dicombq.ops;

import io.dicombq.row.MetadataRow;
import io.dicombq.store.DicomStore;
import io.dicombq.store.StoredInstance;
import io.dicombq.warehouse.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manual export ({@code :export}): one INSERT row per stored instance, with {@code LastUpdated}
 * = when the store accepted it, written to any table in batches. This is how a table that
 * predates the Type/LastUpdated columns, or a new table, is rebuilt from the store.
 */
public final class Exporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Exporter.class);

    private final DicomStore store;
    private final Warehouse warehouse;
    private final Operations operations;
    private final int batchRows;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "export");
        t.setDaemon(true);
        return t;
    });

    public Exporter(DicomStore store, Warehouse warehouse, Operations operations, int batchRows) {
        this.store = store;
        this.warehouse = warehouse;
        this.operations = operations;
        this.batchRows = Math.max(1, batchRows);
    }

    /** Route step for {@code direct:export}: validates the request, answers the operation at once, exports behind it. */
    public Operation start(String requestJson) {
        ExportRequest request = ExportRequest.parse(requestJson);
        Operation op = operations.start("ExportDicomData");
        LOG.info("Export to {} ({}) started as {}", request.table(), request.disposition(), op.name());
        executor.submit(() -> run(request, op));
        return op;
    }

    void run(ExportRequest request, Operation op) {
        try {
            warehouse.prepare(request.table());
            switch (request.disposition()) {
                case WRITE_EMPTY -> {
                    long rows = warehouse.rowCount(request.table());
                    if (rows > 0) {
                        op.finish("WRITE_EMPTY: table " + request.table() + " already has " + rows
                                + " rows; use force=true (WRITE_TRUNCATE) or WRITE_APPEND");
                        return;
                    }
                }
                case WRITE_TRUNCATE -> warehouse.truncate(request.table());
                case WRITE_APPEND -> {
                }
            }
            AtomicLong total = new AtomicLong();
            store.forEach(s -> total.incrementAndGet());
            op.addPending(total.get());
            List<StoredInstance> batch = new ArrayList<>(batchRows);
            store.forEach(s -> {
                batch.add(s);
                if (batch.size() >= batchRows) {
                    write(request, batch, op);
                }
            });
            write(request, batch, op);
            op.finish(null);
            LOG.info("Export {} done: {} rows, {} failed", op.name(), op.success(), op.failure());
        } catch (Exception | Error e) {
            LOG.error("Export {} failed: {}", op.name(), e.toString());
            op.finish(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void write(ExportRequest request, List<StoredInstance> batch, Operation op) {
        if (batch.isEmpty()) {
            return;
        }
        List<MetadataRow> rows = new ArrayList<>(batch.size());
        for (StoredInstance s : batch) {
            rows.add(s.row()); // the INSERT row as stored: LastUpdated is when the store accepted it
        }
        try {
            warehouse.insert(request.table(), rows, op.name());
            batch.forEach(s -> op.succeeded());
        } catch (Exception whole) {
            for (StoredInstance s : batch) { // one by one, so one bad row fails alone
                try {
                    warehouse.insert(request.table(), List.of(s.row()), op.name());
                    op.succeeded();
                } catch (Exception e) {
                    op.failed(s.sop(), e.getMessage());
                    LOG.warn("Export {}: instance {} failed: {}", op.name(), s.sop(), e.getMessage());
                }
            }
        }
        batch.clear();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
