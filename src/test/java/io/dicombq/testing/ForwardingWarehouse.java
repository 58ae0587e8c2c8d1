package io.dicombq.testing;

import io.dicombq.row.MetadataRow;
import io.dicombq.row.Schema;
import io.dicombq.warehouse.TableRef;
import io.dicombq.warehouse.Warehouse;

import java.util.List;
import java.util.Map;

/** A warehouse that hands every call to another one; tests override what they watch or break. */
public abstract class ForwardingWarehouse implements Warehouse {

    protected abstract Warehouse delegate();

    @Override
    public void prepare(TableRef table) throws Exception {
        delegate().prepare(table);
    }

    @Override
    public void insert(TableRef table, List<MetadataRow> rows) throws Exception {
        delegate().insert(table, rows);
    }

    @Override
    public int concurrentInserts() {
        return delegate().concurrentInserts();
    }

    @Override
    public Schema schema(TableRef table) throws Exception {
        return delegate().schema(table);
    }

    @Override
    public long rowCount(TableRef table) throws Exception {
        return delegate().rowCount(table);
    }

    @Override
    public void truncate(TableRef table) throws Exception {
        delegate().truncate(table);
    }

    @Override
    public List<Map<String, Object>> query(String sql) throws Exception {
        return delegate().query(sql);
    }

    @Override
    public void close() throws Exception {
        delegate().close();
    }
}
