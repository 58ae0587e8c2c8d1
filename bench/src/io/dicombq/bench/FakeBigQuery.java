package io.dicombq.bench;

import io.dicombq.bigquery.FakeBigQueryServer;

/**
 * The project's fake BigQuery REST server (src/test/java, the one the BigQuery tests use),
 * run in the bench's JVM for (g): the bundle's real BigQuery client talks to it over HTTP.
 */
final class FakeBigQuery implements AutoCloseable {
    private final FakeBigQueryServer server;

    FakeBigQuery() throws Exception {
        server = new FakeBigQueryServer();
        server.addDataset("local", "dicom");
    }

    String url() {
        return server.url();
    }

    /** Rows before the timed part (the warm-up). */
    int baseline;

    int rows() {
        FakeBigQueryServer.FakeTable t = server.table("local", "dicom", "instances");
        return (t == null ? 0 : t.rows.size()) - baseline;
    }

    int insertCalls() {
        return server.calls("POST", "/insertAll").size();
    }

    @Override
    public void close() {
        server.close();
    }
}
