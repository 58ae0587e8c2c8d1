package io.dicombq.reliability;

import io.dicombq.row.MetadataRow;
import io.dicombq.testing.ForwardingWarehouse;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.Warehouse;

import java.net.ConnectException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real embedded warehouse, with a switch per table that makes inserts fail the way an
 * unreachable BigQuery does: lets a test take one destination down and bring it back.
 */
final class OutageWarehouse extends ForwardingWarehouse {
    private final Warehouse real;
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    final AtomicInteger failedInserts = new AtomicInteger();

    OutageWarehouse(Warehouse real) {
        this.real = real;
    }

    @Override
    protected Warehouse delegate() {
        return real;
    }

    void down(String tableUri) {
        down.add(tableUri);
    }

    void up(String tableUri) {
        down.remove(tableUri);
    }

    @Override
    public void insert(TableRef table, List<MetadataRow> rows) throws Exception {
        if (down.contains(table.uri())) {
            failedInserts.incrementAndGet();
            throw new ConnectException("insertAll into " + table.uri() + ": connection refused (outage)");
        }
        real.insert(table, rows);
    }
}
