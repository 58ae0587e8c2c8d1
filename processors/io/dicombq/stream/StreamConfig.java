package io.dicombq.stream;

import io.dicombq.warehouse.TableRef;

/** One stream config of the store: a BigQuery destination, optionally tagging rows with the source store. */
public record StreamConfig(TableRef table, boolean includeSourceStore) {

    /** The direct endpoint of this destination's route (made from the {@code destination} route template). */
    public String endpoint() {
        return "direct:destination-" + table.id();
    }

    public String routeId() {
        return "destination-" + table.id();
    }
}
