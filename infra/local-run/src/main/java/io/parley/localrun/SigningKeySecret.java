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
 * The secret api-service encrypts its token signing keys with (PARLEY_SIGNING_KEY_SECRET), with no
 * step for the user, like {@link RegistryPassword}: from the environment if the developer set it,
 * else from {@code <dataDir>/signing-key-secret}, else generated (32 random bytes, base64) and kept
 * there, readable by the owner only. It must stay the same as long as the Cassandra data does (the
 * keys in it are encrypted with it), so {@code ./parley wipe} deletes both together.
 */
record SigningKeySecret(String value, Path file) {

    static final String VARIABLE = "PARLEY_SIGNING_KEY_SECRET";
    static final String FILE_NAME = "signing-key-secret";

    static SigningKeySecret inDataDir(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        String fromEnvironment = System.getenv(VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new SigningKeySecret(fromEnvironment, file);
        }
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!kept.isEmpty()) {
                    return new SigningKeySecret(kept, file);
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getEncoder().encodeToString(random);
            Files.createDirectories(dataDir);
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException notPosix) {
                // not a POSIX file system: the file keeps the default permissions of the data dir
            }
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return new SigningKeySecret(generated, file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the signing key secret in " + file, e);
        }
    }

    @Override
    public String toString() {
        return "SigningKeySecret[file=" + file + "]";
    }
}
