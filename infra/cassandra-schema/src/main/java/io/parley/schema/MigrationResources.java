package io.parley.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the migration files on the classpath, in a directory ({@code target/classes} while
 * developing) or in a jar (every packaged use, including Spring Boot fat jars' nested jars).
 */
final class MigrationResources {

    private MigrationResources() {
    }

    /** Every {@code <location>/V*.cql} visible to the class loader, sorted by version. */
    static List<Migration> load(ClassLoader classLoader, String location) {
        String prefix = location.endsWith("/") ? location : location + "/";
        TreeSet<String> fileNames = new TreeSet<>();
        try {
            Enumeration<URL> roots = classLoader.getResources(prefix);
            while (roots.hasMoreElements()) {
                fileNames.addAll(list(roots.nextElement(), prefix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the migrations in " + prefix, e);
        }

        List<Migration> migrations = new ArrayList<>();
        Map<Integer, String> seen = new HashMap<>();
        for (String fileName : fileNames) {
            Migration migration = Migration.parse(fileName, read(classLoader, prefix + fileName));
            String clash = seen.putIfAbsent(migration.version(), fileName);
            if (clash != null) {
                throw new IllegalStateException("Two migrations have version " + migration.version()
                        + ": " + clash + " and " + fileName);
            }
            migrations.add(migration);
        }
        migrations.sort(Comparator.comparingInt(Migration::version));
        return List.copyOf(migrations);
    }

    private static List<String> list(URL root, String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir;
                try {
                    dir = Path.of(root.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException("Bad resource URL " + root, e);
                }
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(Migration::isMigrationFileName).forEach(names::add);
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    // A nested jar's entry (Boot fat jar) has the nested path as its entry name.
                    String entryPrefix = connection.getEntryName() == null ? prefix
                            : (connection.getEntryName().endsWith("/") ? connection.getEntryName()
                                    : connection.getEntryName() + "/");
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith(entryPrefix)) {
                            String rest = name.substring(entryPrefix.length());
                            if (!rest.contains("/") && Migration.isMigrationFileName(rest)) {
                                names.add(rest);
                            }
                        }
                    }
                }
            }
            default -> throw new IOException("Cannot list migrations at " + root
                    + " (only file: and jar: class path entries are supported)");
        }
        return names;
    }

    private static String read(ClassLoader classLoader, String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Migration listed but not readable: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
