package io.parley.localrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The registry (service-plane) password of a local system, with no step for the user: taken from
 * {@code PARLEY_REGISTRY_PASSWORD} if the developer set one, else from {@code <dataDir>/registry-password},
 * else generated (192 random bits) and written there, readable by the owner only. Kept across
 * restarts of {@code ./parley run}, so a service started from an IDE against the same data dir can
 * use it; {@code ./parley wipe} deletes it with the rest of the data.
 */
record RegistryPassword(String value, Path file) {

    static final String USER = "parley";
    static final String FILE_NAME = "registry-password";

    static RegistryPassword inDataDir(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        String fromEnvironment = System.getenv("PARLEY_REGISTRY_PASSWORD");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new RegistryPassword(fromEnvironment, file);
        }
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!kept.isEmpty()) {
                    return new RegistryPassword(kept, file);
                }
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException notPosix) {
                // not a POSIX file system: the file keeps the default permissions of the data dir
            }
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return new RegistryPassword(generated, file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the registry password in " + file, e);
        }
    }

    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryPassword[file=" + file + "]";
    }
}
