package io.dicombq.api;

import io.dicombq.ops.Operation;
import io.dicombq.ops.Operations;
import org.apache.camel.builder.RouteBuilder;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test-only stand-in for {@code direct:import} while that route is not in the bundle: answers with
 * a finished operation, as the real one answers with a started one, and records what it was sent.
 */
final class StandInRoutes extends RouteBuilder {
    private final Operations operations;
    final List<String> importBodies = new CopyOnWriteArrayList<>();

    StandInRoutes(Operations operations) {
        this.operations = operations;
    }

    @Override
    public void configure() {
        from("direct:import").routeId("stand-in-import").process(e -> {
            importBodies.add(e.getMessage().getBody(String.class));
            Operation op = operations.start("ImportInstances");
            op.finish(null);
            e.getMessage().setBody(op);
        });
    }
}
