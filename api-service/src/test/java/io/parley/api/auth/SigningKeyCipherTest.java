package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SigningKeyCipherTest {

    private static final String SECRET_A = secret();
    private static final String SECRET_B = secret();

    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] pkcs8() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair().getPrivate().getEncoded();
    }

    @Test
    void aSealedKeyOpensToTheSameBytesAndHoldsNoPlainText() throws Exception {
        SigningKeyCipher cipher = SigningKeyCipher.of(SECRET_A, List.of());
        byte[] key = pkcs8();

        byte[] sealed = cipher.seal("k1", key);

        assertThat(new String(sealed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PKEK");
        assertThat(cipher.formOf(sealed)).isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
        assertThat(cipher.open("k1", sealed)).isEqualTo(key);
        // no 16-byte run of the key survives in the stored form
        for (int i = 0; i + 16 <= key.length; i += 16) {
            byte[] run = Arrays.copyOfRange(key, i, i + 16);
            assertThat(indexOf(sealed, run)).as("plain text at %d", i).isEqualTo(-1);
        }
        // a fresh nonce each time
        assertThat(cipher.seal("k1", key)).isNotEqualTo(sealed);
    }

    @Test
    void theWrongSecretFailsClearly() throws Exception {
        byte[] sealed = SigningKeyCipher.of(SECRET_A, List.of()).seal("k1", pkcs8());

        assertThatThrownBy(() -> SigningKeyCipher.of(SECRET_B, List.of()).open("k1", sealed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signing key k1 was encrypted with a different secret than PARLEY_SIGNING_KEY_SECRET");
    }

    @Test
    void aSealedKeyMovedToAnotherKeyIdOrAlteredDoesNotOpen() throws Exception {
        SigningKeyCipher cipher = SigningKeyCipher.of(SECRET_A, List.of());
        byte[] sealed = cipher.seal("k1", pkcs8());

        assertThatThrownBy(() -> cipher.open("k2", sealed)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not decrypt");
        byte[] altered = sealed.clone();
        altered[altered.length - 20] ^= 1;
        assertThatThrownBy(() -> cipher.open("k1", altered)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not decrypt");
    }

    @Test
    void aPlainKeyOfAnOlderVersionIsReadAsItIs() throws Exception {
        SigningKeyCipher cipher = SigningKeyCipher.of(SECRET_A, List.of());
        byte[] plain = pkcs8();

        assertThat(cipher.formOf(plain)).isEqualTo(SigningKeyCipher.Form.PLAIN);
        assertThat(cipher.open("k1", plain)).isEqualTo(plain);
    }

    @Test
    void aPreviousSecretOpensWhatItSealed() throws Exception {
        byte[] key = pkcs8();
        byte[] sealedUnderA = SigningKeyCipher.of(SECRET_A, List.of()).seal("k1", key);
        SigningKeyCipher rotated = SigningKeyCipher.of(SECRET_B, List.of(SECRET_A));

        assertThat(rotated.formOf(sealedUnderA)).isEqualTo(SigningKeyCipher.Form.PREVIOUS_SECRET);
        assertThat(rotated.open("k1", sealedUnderA)).isEqualTo(key);
        assertThat(rotated.formOf(rotated.seal("k1", key))).isEqualTo(SigningKeyCipher.Form.CURRENT_SECRET);
    }

    @Test
    void aMissingOrMalformedSecretIsAClearStartupError() {
        for (String missing : new String[] {null, "", "  "}) {
            assertThatThrownBy(() -> SigningKeyCipher.of(missing, List.of())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("No signing key secret: set PARLEY_SIGNING_KEY_SECRET");
        }
        assertThatThrownBy(() -> SigningKeyCipher.of("not base64!", List.of()))
                .hasMessageContaining("PARLEY_SIGNING_KEY_SECRET is not base64");
        assertThatThrownBy(() -> SigningKeyCipher.of(Base64.getEncoder().encodeToString(new byte[16]), List.of()))
                .hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> SigningKeyCipher.of(SECRET_A, List.of("short")))
                .hasMessageContaining("PARLEY_SIGNING_KEY_PREVIOUS_SECRETS");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
