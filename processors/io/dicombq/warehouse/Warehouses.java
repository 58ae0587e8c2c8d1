package io.dicombq.warehouse;

import java.nio.file.Path;

/** Picks the warehouse named by {@code dicom.warehouse}: the embedded DuckDB one, or BigQuery. */
public final class Warehouses {
    private Warehouses() {
    }

    public static Warehouse create(String kind, String dataDir) throws Exception {
        return switch (kind == null ? "" : kind.trim().toLowerCase()) {
            case "duckdb" -> new DuckDbWarehouse(Path.of(dataDir));
            default -> throw new IllegalArgumentException("dicom.warehouse must be duckdb or bigquery, got '" + kind + "'");
        };
    }
}
