package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.api.config.AuthProperties;
import io.parley.api.support.ApiIntegrationTest;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The signing keys at rest on a real Cassandra: never in plain text, a plain row of an older version
 * re-written encrypted, a wrong secret refused at start-up by name, and a secret rotation.
 */
class SigningKeysIT extends ApiIntegrationTest {

    @Autowired
    CqlSession session;

    @Autowired
    AuthProperties properties;

    @Autowired
    SigningKeys runningKeys;

    private final SigningKeyCipher testCipher = SigningKeyCipher.of(SIGNING_KEY_SECRET, List.of());

    private AuthProperties withKeyId(String keyId) {
        return new AuthProperties(properties.issuer(), properties.audience(), properties.tokenTtl(),
                properties.refreshTokenTtl(), keyId, properties.bcryptStrength());
    }

    private byte[] storedPrivateKey(String keyId) {
        Row row = session.execute("SELECT private_key FROM signing_keys WHERE key_id = ?", keyId).one();
        assertThat(row).as(keyId).isNotNull();
        ByteBuffer buffer = row.getByteBuffer("private_key");
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void theRunningServicesKeyIsStoredEncrypted() {
        assertThat(testCipher.formOf(storedPrivateKey(runningKeys.currentKeyId())))
                .isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
    }

    @Test
    void aKeyAnOlderVersionStoredInPlainTextIsStillUsedAndReWrittenEncrypted() throws Exception {
        String keyId = "it-legacy-" + UUID.randomUUID();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair legacy = generator.generateKeyPair();
        session.execute("INSERT INTO signing_keys (key_id, algorithm, public_key, private_key, created_at) "
                        + "VALUES (?, 'RS256', ?, ?, ?)", keyId, ByteBuffer.wrap(legacy.getPublic().getEncoded()),
                ByteBuffer.wrap(legacy.getPrivate().getEncoded()), Instant.now());

        try {
            SigningKeys keys = new SigningKeys(session, withKeyId(keyId), Clock.systemUTC(), testCipher);

            // the same key as before (tokens it signed stay valid), now encrypted in the row
            assertThat(keys.publicJwks().toString()).contains(keyId);
            byte[] stored = storedPrivateKey(keyId);
            assertThat(testCipher.formOf(stored)).isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
            assertThat(testCipher.open(keyId, stored)).isEqualTo(legacy.getPrivate().getEncoded());
            // and a later start reads the encrypted row
            assertThat(new SigningKeys(session, withKeyId(keyId), Clock.systemUTC(), testCipher).currentKeyId())
                    .isEqualTo(keyId);
        } finally {
            // other tests compare the running service's JWKS with the table's keys
            session.execute("DELETE FROM signing_keys WHERE key_id = ?", keyId);
        }
    }

    @Test
    void aStartWithTheWrongSecretFailsNamingTheSecret() {
        // the running service's key id: the row exists, so nothing is written by this attempt
        SigningKeyCipher wrong = SigningKeyCipher.of(newSecret(), List.of());

        assertThatThrownBy(() -> new SigningKeys(session, withKeyId(runningKeys.currentKeyId()), Clock.systemUTC(), wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was encrypted with a different secret than PARLEY_SIGNING_KEY_SECRET");
    }

    @Test
    void rotatingTheSecretReEncryptsEveryKeyAndTheOldSecretThenNoLongerOpensThem() {
        String keyId = runningKeys.currentKeyId();
        String newSecret = newSecret();
        byte[] before = testCipher.open(keyId, storedPrivateKey(keyId));
        try {
            SigningKeyCipher rotated = SigningKeyCipher.of(newSecret, List.of(SIGNING_KEY_SECRET));
            new SigningKeys(session, withKeyId(keyId), Clock.systemUTC(), rotated);

            byte[] stored = storedPrivateKey(keyId);
            assertThat(rotated.formOf(stored)).isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
            assertThat(rotated.open(keyId, stored)).isEqualTo(before);
            assertThatThrownBy(() -> testCipher.open(keyId, stored)).isInstanceOf(IllegalStateException.class);
        } finally {
            // back to the test secret: other test contexts of this JVM start with it
            new SigningKeys(session, withKeyId(keyId), Clock.systemUTC(),
                    SigningKeyCipher.of(SIGNING_KEY_SECRET, List.of(newSecret)));
        }
        assertThat(testCipher.formOf(storedPrivateKey(keyId))).isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
    }
}
