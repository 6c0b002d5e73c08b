package io.parley.api.auth;

import org.springframework.security.oauth2.jwt.Jwt;

/** Who is calling, from the validated token. */
public final class Callers {

    private Callers() {
    }

    /** The caller's user id: our tokens' {@code sub} is the user id as a decimal string. */
    public static long userId(Jwt token) {
        try {
            return Long.parseLong(token.getSubject());
        } catch (NumberFormatException e) {
            // Only our own keys verify tokens here, and they always put a number in sub.
            throw new IllegalStateException("token subject is not a user id", e);
        }
    }
}
