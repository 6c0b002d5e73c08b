package io.parley.testsupport.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A built server module ({@code infra/kafka-server}, {@code infra/cassandra-server}): its runtime
 * class path, written by the build to {@code target/server-classpath.txt}, plus its own jar.
 */
record ServerModule(Path directory, List<String> classpath) {

    static ServerModule of(Path repoRoot, String moduleDir) {
        Path directory = repoRoot.resolve(moduleDir);
        Path classpathFile = directory.resolve("target/server-classpath.txt");
        Path jar = findJar(directory.resolve("target"), directory.getFileName().toString());
        if (!Files.isRegularFile(classpathFile) || jar == null) {
            throw new IllegalStateException(moduleDir + " is not built (no target/server-classpath.txt or jar). "
                    + "Build it first: ./mvnw -B -q install -DskipTests (or -pl " + moduleDir + " install -DskipTests)");
        }
        try {
            String text = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
            List<String> entries = Stream.concat(Stream.of(text.split(File.pathSeparator)), Stream.of(jar.toString()))
                    .filter(s -> !s.isBlank())
                    .toList();
            for (String entry : entries) {
                if (!Files.exists(Path.of(entry))) {
                    throw new IllegalStateException(moduleDir + "'s class path names " + entry + ", which is missing. "
                            + "Rebuild it: ./mvnw -B -q -pl " + moduleDir + " install -DskipTests");
                }
            }
            return new ServerModule(directory, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + classpathFile, e);
        }
    }

    String classpathString() {
        return String.join(File.pathSeparator, classpath);
    }

    /** The first class path entry whose file name starts with {@code prefix} (e.g. the jamm agent). */
    Path entryStartingWith(String prefix) {
        return classpath.stream().map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No " + prefix + "*.jar on the class path of " + directory));
    }

    private static Path findJar(Path target, String moduleName) {
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("parley-" + moduleName + "-") && name.endsWith(".jar")
                        && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar") && !name.endsWith("-tests.jar");
            }).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
