package io.parley.localrun;

import java.nio.file.Path;
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
        return new SigningKeySecret(KeptSecret.resolve(dataDir, FILE_NAME, VARIABLE, 32,
                Base64.getEncoder()::encodeToString), dataDir.resolve(FILE_NAME));
    }

    @Override
    public String toString() {
        return "SigningKeySecret[file=" + file + "]";
    }
}
