/**
 * The `camel` command without JBang: hands the arguments to the Camel CLI's own entry point.
 * bin/camel compiles this once and runs it on the classpath of camel-jbang-core (see pom.xml).
 */
public final class CamelLauncher {
    private CamelLauncher() {
    }

    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
