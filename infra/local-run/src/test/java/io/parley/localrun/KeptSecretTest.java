package io.parley.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptSecretTest {

    @TempDir
    Path dataDir;

    @Test
    void aSecretIsGeneratedOnceKeptOwnerOnlyAndReadBackUntilItsFileIsGone() throws Exception {
        String first = KeptSecret.resolve(dataDir, "secret", "PARLEY_TEST_UNSET_VARIABLE", 32,
                Base64.getEncoder()::encodeToString);
        assertThat(Base64.getDecoder().decode(first)).hasSize(32);
        Path file = dataDir.resolve("secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        assertThat(KeptSecret.resolve(dataDir, "secret", "PARLEY_TEST_UNSET_VARIABLE", 32,
                Base64.getEncoder()::encodeToString)).isEqualTo(first);

        Files.delete(file); // ./parley wipe
        assertThat(KeptSecret.resolve(dataDir, "secret", "PARLEY_TEST_UNSET_VARIABLE", 32,
                Base64.getEncoder()::encodeToString)).isNotEqualTo(first);
    }

    @Test
    void bothSecretsOfTheLocalRunLiveInTheDataDirUnderTheirOwnNames() {
        RegistryPassword password = RegistryPassword.inDataDir(dataDir);
        SigningKeySecret secret = SigningKeySecret.inDataDir(dataDir);
        assertThat(password.file()).isEqualTo(dataDir.resolve("registry-password")).exists();
        assertThat(secret.file()).isEqualTo(dataDir.resolve("signing-key-secret")).exists();
        assertThat(Base64.getDecoder().decode(secret.value())).hasSize(32);
        assertThat(password.value()).isNotEqualTo(secret.value());
    }
}
