package io.dicombq.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** For tests that start the bundle in a JVM of its own, as {@code java -jar target/dicom-bq.jar} would. */
public final class BundleJvm {
    private BundleJvm() {
    }

    /** The main classes and runtime libraries: the test classes stay out (camel-main would scan their route builders). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(cp.split(File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
