package io.dicombq.ops;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-running operations of this process, named like the Healthcare API's
 * ({@code projects/P/locations/L/datasets/D/operations/ID}). Kept in memory: a restart forgets them.
 */
public final class Operations {
    private final String datasetName;
    private final Map<String, Operation> byId = new ConcurrentHashMap<>();

    /** @param storeName the store resource, {@code projects/P/locations/L/datasets/D/dicomStores/S} */
    public Operations(String storeName) {
        int cut = storeName.indexOf("/dicomStores/");
        this.datasetName = cut < 0 ? storeName : storeName.substring(0, cut);
    }

    public Operation start(String kind) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Operation op = new Operation(datasetName + "/operations/" + id, kind);
        byId.put(id, op);
        return op;
    }

    public Optional<Operation> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
