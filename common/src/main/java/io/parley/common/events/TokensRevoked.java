package io.parley.common.events;

import java.util.List;

/**
 * Logins of a user were revoked (api-service, docs/api.md "Token lifecycle"): their refresh tokens
 * no longer work, and every chat node closes the WebSocket sessions opened with their access
 * tokens. A login is named by the {@code sid} claim of its access tokens (its refresh-token family id).
 *
 * @param userId     whose logins
 * @param logins     the revoked logins ({@code sid} values): the one login of a logout, every known
 *                   login of the user on a password change
 * @param everyLogin true on a password change: also every session whose token has no {@code sid}
 *                   (issued before the claim existed) or was issued in a second before {@code revokedAt}
 *                   (a login the list could have missed); false on a logout
 * @param revokedAt  epoch ms when the logins were revoked
 */
public record TokensRevoked(long userId, List<String> logins, boolean everyLogin, long revokedAt) {

    /** A logout: the one login. */
    public static TokensRevoked logout(long userId, String login, long revokedAt) {
        return new TokensRevoked(userId, List.of(login), false, revokedAt);
    }

    /** A password change: every login of the user from before {@code revokedAt}. */
    public static TokensRevoked everyLogin(long userId, List<String> logins, long revokedAt) {
        return new TokensRevoked(userId, List.copyOf(logins), true, revokedAt);
    }
}
