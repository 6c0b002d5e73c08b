package io.parley.testsupport.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Parley checkout: the directory that contains {@code infra/kafka-server}. Tests run
 * with a module directory as working directory and the local run from the root, so walking up
 * from the working directory finds it in both cases. {@code -Dparley.repo-root=…} overrides.
 */
public final class RepoRoot {

    private RepoRoot() {
    }

    public static Path find() {
        String override = System.getProperty("parley.repo-root");
        if (override != null && !override.isBlank()) {
            Path root = Path.of(override).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException("-Dparley.repo-root=" + override + " does not contain infra/kafka-server");
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the Parley repository root (a directory containing "
                + "infra/kafka-server) above " + start + ". Run from inside the checkout or set -Dparley.repo-root=<dir>.");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("infra/kafka-server/pom.xml"));
    }
}
