package io.parley.push.web;

import org.springframework.security.oauth2.jwt.Jwt;

/** Who is calling: the user id in the token's {@code sub} (api-service writes it as a decimal). */
public final class Callers {

    public static long userId(Jwt jwt) {
        try {
            return Long.parseLong(jwt.getSubject());
        } catch (NumberFormatException e) {
            // A token from our issuer always has a numeric sub; anything else is not a Parley user.
            throw new org.springframework.security.access.AccessDeniedException("token subject is not a Parley user id");
        }
    }

    private Callers() {
    }
}
