package io.dicombq.api;

import io.dicombq.ops.Operation;
import io.dicombq.ops.Operations;

import org.apache.camel.Exchange;

import java.util.Map;

/** {@code GET .../operations/{operation}}: the operation as the Healthcare API shows it, or 404. */
public class OperationsJson {
    public Map<String, Object> show(Exchange exchange) {
        String id = exchange.getMessage().getHeader("operation", String.class);
        Operations operations = exchange.getContext().getRegistry().lookupByNameAndType("operations", Operations.class);
        if (operations == null) {
            throw new IllegalStateException("no bean 'operations' of type " + Operations.class.getName());
        }
        return operations.get(id == null ? "" : id).map(Operation::toJson)
                .orElseThrow(() -> ApiException.notFound("operation " + StorePath.printable(String.valueOf(id))
                        + " not found"));
    }

    /** What {@code direct:import} / {@code direct:export} answered, as JSON. */
    public Map<String, Object> started(Operation operation) {
        return operation.toJson();
    }
}
