package io.dicombq;

import org.apache.camel.main.Main;

/** Starts the bundle with camel-main: routes from classpath:camel/*, settings from application.properties. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) throws Exception {
        new Main().run(args);
    }
}
