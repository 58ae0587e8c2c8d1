package io.dicombq;

import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** Starts the bundle with camel-main: routes from classpath:camel/*, settings from application.properties. */
public final class Application {
    private Application() {
    }

    /** Runs until stopped; a bundle that cannot start exits with status 1 instead of staying up half-started. */
    public static void main(String[] args) {
        try {
            Main main = new Main();
            main.addMainListener(new SingleBundle()); // before any bean: one bundle per data directory and port
            main.run(args);
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            if (cause instanceof SingleBundle.AlreadyRunning) {
                LoggerFactory.getLogger(Application.class).error("dicom-bq did not start: {}", cause.getMessage());
            } else {
                LoggerFactory.getLogger(Application.class).error("dicom-bq did not start: {}", cause.getMessage(), e);
            }
            System.exit(1);
        }
    }
}
