package io.parley.localrun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        return new RegistryPassword(KeptSecret.resolve(dataDir, FILE_NAME, "PARLEY_REGISTRY_PASSWORD", 24,
                Base64.getUrlEncoder().withoutPadding()::encodeToString), dataDir.resolve(FILE_NAME));
    }

    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + value).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "RegistryPassword[file=" + file + "]";
    }
}
