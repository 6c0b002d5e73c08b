package io.parley.testsupport.server;

import java.util.List;

/**
 * Which JIT the JVMs this module starts (Kafka, Cassandra, the services of the local system) run.
 *
 * <p>Tests want a quick start: C1 only ({@code -XX:TieredStopAtLevel=1}) takes about half the CPU
 * while several JVMs start at once on two cores, and a test run is mostly start-up. A system that
 * is used or measured wants the full tiered compiler: C1-only code costs two to three times the CPU
 * under load, which showed in every benchmark figure before. {@code ./parley run} sets
 * {@value #PROPERTY}{@code =true}; nothing else does.
 */
public final class Compilation {

    /** System property of the launching JVM: {@code true} for the full tiered compiler. */
    public static final String PROPERTY = "parley.jvm.full-jit";

    private Compilation() {
    }

    /** The JIT flags for a JVM started now. */
    public static List<String> flags() {
        return Boolean.getBoolean(PROPERTY) ? List.of() : List.of("-XX:TieredStopAtLevel=1");
    }
}
