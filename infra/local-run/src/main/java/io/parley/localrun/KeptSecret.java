package io.parley.localrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * A secret of the local system that needs no step from the user: the environment variable if the
 * developer set it, else the one kept in a file of the data dir, else {@code bytes} random bytes,
 * encoded and written there readable by the owner only. Kept as long as the data dir, so
 * {@code ./parley wipe} deletes it together with the data that depends on it.
 */
final class KeptSecret {

    private KeptSecret() {
    }

    static String resolve(Path dataDir, String fileName, String variable, int bytes, Function<byte[], String> encoding) {
        String fromEnvironment = System.getenv(variable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        Path file = dataDir.resolve(fileName);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!kept.isEmpty()) {
                    return kept;
                }
            }
            byte[] random = new byte[bytes];
            new SecureRandom().nextBytes(random);
            String generated = encoding.apply(random);
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException notPosix) {
                // not a POSIX file system: the file keeps the default permissions of the data dir
            }
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep " + variable + " in " + file, e);
        }
    }
}
