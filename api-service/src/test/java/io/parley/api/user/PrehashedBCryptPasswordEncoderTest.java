package io.parley.api.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrehashedBCryptPasswordEncoderTest {

    private final PrehashedBCryptPasswordEncoder encoder = new PrehashedBCryptPasswordEncoder(4);

    @Test
    void matchesTheSamePasswordOnly() {
        String hash = encoder.encode("correct horse battery");

        assertThat(encoder.matches("correct horse battery", hash)).isTrue();
        assertThat(encoder.matches("correct horse batterY", hash)).isFalse();
    }

    @Test
    void acceptsPasswordsLongerThanBcryptsSeventyTwoBytes() {
        String longPassword = "ä".repeat(128); // 256 bytes of UTF-8

        assertThat(encoder.matches(longPassword, encoder.encode(longPassword))).isTrue();
    }

    @Test
    void distinguishesLongPasswordsThatShareTheFirstSeventyTwoBytes() {
        // plain bcrypt would see these two as equal
        String prefix = "x".repeat(72);
        String hash = encoder.encode(prefix + "one");

        assertThat(encoder.matches(prefix + "two", hash)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        assertThat(encoder.encode("same password")).isNotEqualTo(encoder.encode("same password"));
    }

    @Test
    void rejectsHashesOfAnotherScheme() {
        String plainBcrypt = new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("pw123456");

        assertThat(encoder.encode("x")).startsWith("{bcrypt-sha256}$2");
        assertThat(encoder.matches("pw123456", plainBcrypt)).isFalse();
    }
}
