package io.parley.chat.session;

import io.parley.common.events.TokensRevoked;
import io.parley.common.security.TokenValidation;
import java.security.Principal;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.socket.CloseStatus;

/**
 * Which sessions a revocation ends (docs/protocol.md, "Token expiry"): a logout those opened with
 * an access token of that login ({@code sid} claim), a password change also every one opened with
 * a token issued before the change. They are closed like an expired one, with 4001: the client
 * refreshes, and a refresh of a revoked login is refused, so it has to log in again.
 */
final class TokenRevocation {

    /** The close code of an expired token, so clients need no new rule; the reason tells them apart. */
    static final CloseStatus TOKEN_REVOKED = new CloseStatus(TokenExpiry.TOKEN_EXPIRED.getCode(), "token revoked");

    /** The issue time of a session whose principal carries none: as old as can be. */
    static final long UNKNOWN_ISSUE_TIME = Long.MIN_VALUE;

    private TokenRevocation() {
    }

    /** The {@code sid} claim of the handshake token, or null (a token issued before the claim existed). */
    static String loginOf(Principal principal) {
        if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> authentication
                && authentication.getToken() instanceof Jwt jwt) {
            return jwt.getClaimAsString(TokenValidation.LOGIN_CLAIM);
        }
        return null;
    }

    /** The handshake token's {@code iat} in epoch ms, or {@link #UNKNOWN_ISSUE_TIME}. */
    static long issuedAtMillis(Principal principal) {
        if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> authentication
                && authentication.getToken() != null) {
            Instant issuedAt = authentication.getToken().getIssuedAt();
            if (issuedAt != null) {
                return issuedAt.toEpochMilli();
            }
        }
        return UNKNOWN_ISSUE_TIME;
    }

    /**
     * Whether the revocation ends a session of its user opened with a token of {@code login} issued
     * at {@code issuedAtMillis}. {@code iat} has whole seconds, so a password change counts a token
     * as older only if it was issued in an earlier second: a login started right after the change,
     * in the same second, keeps its session (the logins the change revoked are listed by id anyway).
     */
    static boolean revokes(TokensRevoked revoked, String login, long issuedAtMillis) {
        if (login != null && revoked.logins() != null && revoked.logins().contains(login)) {
            return true;
        }
        if (!revoked.everyLogin()) {
            return false;
        }
        long secondOfRevocation = Math.floorDiv(revoked.revokedAt(), 1000L) * 1000L;
        return login == null || issuedAtMillis < secondOfRevocation;
    }
}
