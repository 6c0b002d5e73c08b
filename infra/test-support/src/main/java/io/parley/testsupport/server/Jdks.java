package io.parley.testsupport.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Which {@code java} binary starts a child JVM. */
public final class Jdks {

    private Jdks() {
    }

    /** The JDK running this JVM: services and Kafka run on any JDK 17+ the project supports. */
    public static Path current() {
        return javaIn(Path.of(System.getProperty("java.home")));
    }

    /**
     * A JDK 17 for Cassandra 5.0, which starts on nothing newer (on 25 it dies with "Setting a
     * system-wide Policy object is not supported"): this JVM's if it is 17, else
     * {@code $JAVA17_HOME}, else {@code /usr/lib/jvm/*17*}.
     */
    public static Path jdk17() {
        if (Runtime.version().feature() == 17) {
            return current();
        }
        String env = System.getenv("JAVA17_HOME");
        if (env != null && !env.isBlank()) {
            Path java = javaIn(Path.of(env));
            if (Files.isExecutable(java)) {
                return java;
            }
            throw new IllegalStateException("JAVA17_HOME=" + env + " has no bin/java");
        }
        return searchUsrLibJvm().orElseThrow(() -> new IllegalStateException(
                "Cassandra 5.0 runs only on JDK 17, and this JVM is " + Runtime.version().feature()
                        + ". Install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA17_HOME "
                        + "to one."));
    }

    private static Optional<Path> searchUsrLibJvm() {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().contains("17"))
                    .sorted(Comparator.comparing(Path::toString))
                    .map(Jdks::javaIn)
                    .filter(Files::isExecutable)
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Path javaIn(Path javaHome) {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        return javaHome.resolve("bin").resolve(windows ? "java.exe" : "java");
    }
}
