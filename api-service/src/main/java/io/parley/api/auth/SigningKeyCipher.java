package io.parley.api.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the signing keys' private halves at rest (issue 9: "the signing keys are not stored in
 * plain text"): AES-256-GCM under a key-encryption key from the environment,
 * {@code PARLEY_SIGNING_KEY_SECRET} (32 random bytes, base64). Someone who can read the keyspace
 * but not the service's environment can no longer mint tokens.
 *
 * <p>Stored form: {@code "PKEK"}, version 1, the secret's 8-byte fingerprint (which secret sealed
 * it, so a rotation knows what to re-encrypt and a wrong secret is named as such), a 12-byte random
 * nonce, then ciphertext and tag. The key id is the associated data, so a sealed key copied into
 * another row does not open. A plain PKCS#8 key (a DER SEQUENCE, first byte 0x30, never "P") is
 * what versions before this one wrote: it is still read, and {@link SigningKeys} re-writes it sealed.
 *
 * <p>Previous secrets ({@code PARLEY_SIGNING_KEY_PREVIOUS_SECRETS}) only open: keys sealed under
 * one of them are re-sealed under the current secret at start-up (docs/operations.md).
 */
final class SigningKeyCipher {

    static final String SECRET_VARIABLE = "PARLEY_SIGNING_KEY_SECRET";
    static final String PREVIOUS_SECRETS_VARIABLE = "PARLEY_SIGNING_KEY_PREVIOUS_SECRETS";
    private static final byte[] MAGIC = "PKEK".getBytes(StandardCharsets.US_ASCII);
    private static final byte VERSION = 1;
    private static final int FINGERPRINT_BYTES = 8;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = MAGIC.length + 1 + FINGERPRINT_BYTES + NONCE_BYTES;

    /** How a stored private key is kept. */
    enum Form { PLAIN, CURRENT_SECRET, PREVIOUS_SECRET }

    private record Kek(SecretKey key, byte[] fingerprint) {
    }

    private final Kek current;
    private final List<Kek> previous;
    private final SecureRandom random = new SecureRandom();

    private SigningKeyCipher(Kek current, List<Kek> previous) {
        this.current = current;
        this.previous = previous;
    }

    /**
     * @param secret          the current secret, base64 of 32 bytes
     * @param previousSecrets secrets of before a rotation, open only (may be empty)
     * @throws IllegalStateException naming the variable when the secret is missing or malformed
     */
    static SigningKeyCipher of(String secret, List<String> previousSecrets) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("No signing key secret: set " + SECRET_VARIABLE
                    + " (property parley.auth.signing-key-secret) to 32 random bytes in base64, for example the output of "
                    + "`openssl rand -base64 32`. It encrypts the token signing keys in Cassandra; keep it in a secret "
                    + "store and give every api-service instance the same one (docs/operations.md, \"Signing key secret\").");
        }
        List<Kek> older = new ArrayList<>();
        for (String old : previousSecrets) {
            if (old != null && !old.isBlank()) {
                older.add(kek(old, PREVIOUS_SECRETS_VARIABLE));
            }
        }
        return new SigningKeyCipher(kek(secret, SECRET_VARIABLE), List.copyOf(older));
    }

    private static Kek kek(String secret, String variable) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(variable + " is not base64; generate one with `openssl rand -base64 32`");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(variable + " must be 32 bytes (base64 of 44 characters), not " + bytes.length
                    + "; generate one with `openssl rand -base64 32`");
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("parley-signing-key-secret:".getBytes(StandardCharsets.US_ASCII));
            byte[] fingerprint = Arrays.copyOf(sha256.digest(bytes), FINGERPRINT_BYTES);
            return new Kek(new SecretKeySpec(bytes, "AES"), fingerprint);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The private key of {@code keyId} (PKCS#8 DER) sealed under the current secret. */
    byte[] seal(String keyId, byte[] pkcs8) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(keyId));
            byte[] sealed = cipher.doFinal(pkcs8);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length).put(MAGIC).put(VERSION)
                    .put(current.fingerprint()).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES-GCM", e);
        }
    }

    /** How {@code stored} is kept: plain (an older version wrote it), or sealed under which secret. */
    Form formOf(byte[] stored) {
        if (!sealed(stored)) {
            return Form.PLAIN;
        }
        return Arrays.equals(fingerprintOf(stored), current.fingerprint()) ? Form.CURRENT_SECRET : Form.PREVIOUS_SECRET;
    }

    /**
     * The PKCS#8 private key of {@code keyId} from its stored form (plain ones as they are).
     *
     * @throws IllegalStateException when it was sealed under a secret this instance does not have,
     *         or does not open (wrong secret, or the row was altered or copied from another key id)
     */
    byte[] open(String keyId, byte[] stored) {
        if (!sealed(stored)) {
            return stored;
        }
        if (stored.length < HEADER_BYTES || stored[MAGIC.length] != VERSION) {
            throw new IllegalStateException("signing key " + keyId + " is stored in an unknown format (version "
                    + (stored.length > MAGIC.length ? stored[MAGIC.length] : -1) + ")");
        }
        byte[] fingerprint = fingerprintOf(stored);
        Kek kek = Arrays.equals(fingerprint, current.fingerprint()) ? current : previous.stream()
                .filter(candidate -> Arrays.equals(fingerprint, candidate.fingerprint())).findFirst()
                .orElseThrow(() -> new IllegalStateException("signing key " + keyId + " was encrypted with a different "
                        + "secret than " + SECRET_VARIABLE + " (or any of " + PREVIOUS_SECRETS_VARIABLE + "): every "
                        + "api-service instance needs the secret the keys were encrypted with (docs/operations.md)"));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek.key(),
                    new GCMParameterSpec(TAG_BITS, stored, MAGIC.length + 1 + FINGERPRINT_BYTES, NONCE_BYTES));
            cipher.updateAAD(associatedData(keyId));
            return cipher.doFinal(stored, HEADER_BYTES, stored.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("signing key " + keyId + " does not decrypt with its secret: the row was "
                    + "altered or belongs to another key id", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + keyId + " could not be decrypted", e);
        }
    }

    private static boolean sealed(byte[] stored) {
        return stored.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(stored, MAGIC.length), MAGIC);
    }

    private static byte[] fingerprintOf(byte[] stored) {
        return Arrays.copyOfRange(stored, MAGIC.length + 1, Math.min(stored.length, MAGIC.length + 1 + FINGERPRINT_BYTES));
    }

    private static byte[] associatedData(String keyId) {
        return ("parley-signing-key:" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
