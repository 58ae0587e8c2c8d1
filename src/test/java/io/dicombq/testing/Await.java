package io.dicombq.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.fail;

/** Polls a condition: tests wait for outcomes, never for fixed times. */
public final class Await {
    private Await() {
    }

    /** Waits up to 30 s: the limit only bounds a broken run, it never decides a pass. */
    public static void until(Callable<Boolean> condition) throws Exception {
        until("condition", Duration.ofSeconds(30), condition);
    }

    public static void until(String what, Duration limit, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        fail(what + ": not reached within " + limit.toSeconds() + " s" + (last == null ? "" : " (last error: " + last + ")"));
    }
}
