package io.parley.api.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * bcrypt over a SHA-256 pre-hash of the password ("bcrypt-sha256", as in passlib).
 *
 * <p>bcrypt reads at most 72 bytes, and Spring Security refuses longer input rather than
 * silently truncating it. Parley accepts passwords of up to 128 characters (up to 512 bytes of
 * UTF-8), so the password is first reduced to a fixed 44-character Base64 SHA-256 digest. The
 * Base64 step matters: raw digest bytes may contain NUL, which some bcrypt implementations treat
 * as the end of the string. Hashes carry a {@code {bcrypt-sha256}} prefix so a future scheme
 * (say Argon2) can coexist while users migrate on their next login.
 */
public final class PrehashedBCryptPasswordEncoder implements PasswordEncoder {

    static final String PREFIX = "{bcrypt-sha256}";

    private final BCryptPasswordEncoder bcrypt;

    public PrehashedBCryptPasswordEncoder(int strength) {
        this.bcrypt = new BCryptPasswordEncoder(strength);
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return PREFIX + bcrypt.encode(prehash(rawPassword));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        if (rawPassword == null || encodedPassword == null || !encodedPassword.startsWith(PREFIX)) {
            return false;
        }
        return bcrypt.matches(prehash(rawPassword), encodedPassword.substring(PREFIX.length()));
    }

    private static String prehash(CharSequence rawPassword) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(rawPassword.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
