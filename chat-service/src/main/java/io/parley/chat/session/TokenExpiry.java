package io.parley.chat.session;

import io.parley.common.protocol.ServerFrame;
import java.security.Principal;
import java.time.Instant;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.socket.CloseStatus;

/**
 * A session lives no longer than the access token it was opened with (docs/protocol.md, "Token
 * expiry"): {@code warning} before the token's {@code exp} the session is sent
 * {@code token_expiring}, and at {@code exp} it is closed with {@link #TOKEN_EXPIRED}. So a logout
 * or password change, which stops the user's refreshes, reaches open sockets within one access-token
 * lifetime. Checked by {@link SessionMaintenance} about once a second.
 */
final class TokenExpiry {

    /** An application close code (RFC 6455 leaves 4000-4999 to applications); docs/protocol.md lists it. */
    static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4001, "token expired");

    /** The expiry of a session whose principal carries no token expiry: never. */
    static final long NEVER = Long.MAX_VALUE;

    enum Action { NONE, WARN, CLOSE }

    private TokenExpiry() {
    }

    /** The token's {@code exp} in epoch milliseconds, or {@link #NEVER} if the principal has none. */
    static long expiresAtMillis(Principal principal) {
        if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> authentication
                && authentication.getToken() != null) {
            Instant expiresAt = authentication.getToken().getExpiresAt();
            if (expiresAt != null) {
                return expiresAt.toEpochMilli();
            }
        }
        return NEVER;
    }

    /**
     * What is due now: close at or after the expiry; otherwise warn once, within {@code warningMillis}
     * of it, and only a welcomed session (nothing may come before {@code welcome}).
     */
    static Action due(long nowMillis, long expiresAtMillis, long warningMillis, boolean warned, boolean welcomed) {
        if (expiresAtMillis == NEVER) {
            return Action.NONE;
        }
        if (nowMillis >= expiresAtMillis) {
            return Action.CLOSE;
        }
        if (!warned && welcomed && nowMillis >= expiresAtMillis - warningMillis) {
            return Action.WARN;
        }
        return Action.NONE;
    }

    /** Applies what is due to the session. */
    static void check(ChatSession session, long nowMillis, long warningMillis) {
        switch (due(nowMillis, session.tokenExpiresAtMillis(), warningMillis, session.expiryWarned(), session.welcomed())) {
            case CLOSE -> session.close(TOKEN_EXPIRED);
            case WARN -> {
                if (session.markExpiryWarned()) {
                    // behind pending answers, like any live frame; ephemeral, about this connection only
                    session.deliver(new ServerFrame.TokenExpiring(session.tokenExpiresAtMillis()));
                }
            }
            case NONE -> { }
        }
    }
}
