package io.parley.api.auth;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.parley.api.config.AuthProperties;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The RS256 key pairs that sign and verify Parley's tokens, shared by every api-service instance
 * through the {@code signing_keys} table.
 *
 * <p>At start-up each instance proposes a fresh key pair for the configured key id with
 * {@code INSERT ... IF NOT EXISTS}. Exactly one proposal wins, ever; every instance (the winner
 * included) then reads the row back with SERIAL consistency and uses what is stored, so all
 * instances and all restarts sign with the same key and publish the same JWKS.
 *
 * <p>The private key is stored encrypted ({@link SigningKeyCipher}: AES-256-GCM under
 * {@code PARLEY_SIGNING_KEY_SECRET}); api-service does not start without the secret. A row kept in
 * plain text by an older version, or encrypted under a previous secret, is re-encrypted under the
 * current secret when it is read at start-up (a conditional update: of several instances starting
 * at once, one re-writes it).
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final String ALGORITHM = "RS256";

    private final String currentKeyId;
    private final JWKSet privateKeys;
    private final JWKSet publicKeys;

    @Autowired
    SigningKeys(CqlSession session, AuthProperties properties, Clock clock,
                @Value("${parley.auth.signing-key-secret:}") String secret,
                @Value("${parley.auth.signing-key-previous-secrets:}") String previousSecrets) {
        this(session, properties, clock, SigningKeyCipher.of(secret, Arrays.stream(previousSecrets.split(","))
                .map(String::strip).filter(value -> !value.isEmpty()).toList()));
    }

    SigningKeys(CqlSession session, AuthProperties properties, Clock clock, SigningKeyCipher cipher) {
        this.currentKeyId = properties.signingKeyId();
        proposeKey(session, currentKeyId, clock, cipher);
        RSAKey current = readCurrent(session, currentKeyId, cipher);
        // Sign with the current key only; verify with and publish all of them (older ones for
        // tokens issued before a rotation).
        List<JWK> published = new ArrayList<>();
        published.add(current.toPublicJWK());
        for (RSAKey other : readAll(session, cipher)) {
            if (!other.getKeyID().equals(currentKeyId)) {
                published.add(other.toPublicJWK());
            }
        }
        this.privateKeys = new JWKSet(current);
        this.publicKeys = new JWKSet(published);
        log.info("Signing tokens with key {}; publishing {} key(s)", currentKeyId, published.size());
    }

    /** The private key new tokens are signed with. */
    public JWKSource<SecurityContext> signingKeySource() {
        return new ImmutableJWKSet<>(privateKeys);
    }

    /** Every public key a valid token may have been signed with. */
    public JWKSource<SecurityContext> verificationKeySource() {
        return new ImmutableJWKSet<>(publicKeys);
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    /** The JWKS document ({@code {"keys":[...]}}), public parts only. */
    public Map<String, Object> publicJwks() {
        return publicKeys.toJSONObject(true);
    }

    private static void proposeKey(CqlSession session, String keyId, Clock clock, SigningKeyCipher cipher) {
        KeyPair pair = generate();
        ResultSet result = session.execute(SimpleStatement.newInstance(
                "INSERT INTO signing_keys (key_id, algorithm, public_key, private_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?) IF NOT EXISTS",
                keyId, ALGORITHM,
                ByteBuffer.wrap(pair.getPublic().getEncoded()),
                ByteBuffer.wrap(cipher.seal(keyId, pair.getPrivate().getEncoded())),
                clock.instant()));
        if (result.wasApplied()) {
            log.info("Created signing key {}", keyId);
        }
    }

    private static RSAKey readCurrent(CqlSession session, String keyId, SigningKeyCipher cipher) {
        // SERIAL: see the winner of the LWT race even if our replica has not caught up yet.
        Row row = session.execute(SimpleStatement
                .newInstance("SELECT key_id, algorithm, public_key, private_key FROM signing_keys WHERE key_id = ?", keyId)
                .setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL)).one();
        if (row == null || !ALGORITHM.equals(row.getString("algorithm"))) {
            throw new IllegalStateException("signing key " + keyId + " is missing or not " + ALGORITHM);
        }
        return toJwk(keyId, row.getByteBuffer("public_key"), privateKey(session, keyId, row, cipher));
    }

    /** The table holds a handful of rows (one per rotation), so a full scan is fine. */
    private static List<RSAKey> readAll(CqlSession session, SigningKeyCipher cipher) {
        ResultSet rows = session.execute(
                "SELECT key_id, algorithm, public_key, private_key FROM signing_keys");
        List<RSAKey> keys = new ArrayList<>();
        for (Row row : rows) {
            if (!ALGORITHM.equals(row.getString("algorithm"))) {
                log.warn("Ignoring signing key {} with unsupported algorithm {}", row.getString("key_id"), row.getString("algorithm"));
                continue;
            }
            String keyId = row.getString("key_id");
            keys.add(toJwk(keyId, row.getByteBuffer("public_key"), privateKey(session, keyId, row, cipher)));
        }
        return keys;
    }

    /**
     * The row's private key (PKCS#8), decrypted; re-written under the current secret first if it is
     * in plain text (an older version) or under a previous secret (a rotation). Only if the row still
     * holds what was read, so concurrent starts do not write it twice.
     */
    private static byte[] privateKey(CqlSession session, String keyId, Row row, SigningKeyCipher cipher) {
        byte[] stored = bytes(row.getByteBuffer("private_key"));
        byte[] pkcs8 = cipher.open(keyId, stored);
        SigningKeyCipher.Form form = cipher.formOf(stored);
        if (form != SigningKeyCipher.Form.CURRENT_SECRET) {
            boolean applied = session.execute(SimpleStatement.newInstance(
                    "UPDATE signing_keys SET private_key = ? WHERE key_id = ? IF private_key = ?",
                    ByteBuffer.wrap(cipher.seal(keyId, pkcs8)), keyId, ByteBuffer.wrap(stored))).wasApplied();
            if (applied) {
                log.info("Re-encrypted signing key {} under the current secret (it was {})", keyId,
                        form == SigningKeyCipher.Form.PLAIN ? "in plain text" : "under a previous secret");
            }
        }
        return pkcs8;
    }

    private static RSAKey toJwk(String keyId, ByteBuffer publicKey, byte[] privateKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("RSA");
            RSAPublicKey pub = (RSAPublicKey) factory.generatePublic(new X509EncodedKeySpec(bytes(publicKey)));
            RSAPrivateKey priv = (RSAPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey));
            return new RSAKey.Builder(pub).privateKey(priv).keyID(keyId)
                    .algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + keyId + " is corrupt", e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
