package io.parley.api.auth;

import io.parley.api.ratelimit.AuthRateLimits;
import io.parley.api.user.User;
import io.parley.api.user.UserService;
import io.parley.common.web.ApiException;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Checks credentials: login, and the current password on a password change. */
@Service
class LoginService {

    /** One message for both failures, so the answer does not reveal which usernames exist. */
    static final String BAD_CREDENTIALS = "Wrong username or password.";
    static final String WRONG_CURRENT_PASSWORD = "The current password is wrong.";

    private final UserService users;
    private final PasswordEncoder passwordEncoder;
    private final RefreshTokens tokens;
    private final AuthRateLimits limits;
    /** Compared against when the user does not exist, so both failures take about as long. */
    private final String dummyHash;

    LoginService(UserService users, PasswordEncoder passwordEncoder, RefreshTokens tokens, AuthRateLimits limits) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.tokens = tokens;
        this.limits = limits;
        this.dummyHash = passwordEncoder.encode("parley-timing-equalizer");
    }

    /**
     * @param clientAddress the client's key for the per-address limit, empty when it has none
     * @throws ApiException 429 (with Retry-After) before any lookup or hash, when a
     *         login limit is reached
     */
    TokenResponse login(LoginRequest request, Optional<String> clientAddress) {
        limits.checkLogin(request.username(), clientAddress);
        Optional<User> user = users.findByUsername(request.username());
        String hash = user.map(User::passwordHash).orElse(dummyHash);
        boolean matches = passwordEncoder.matches(request.password(), hash);
        if (user.isEmpty() || !matches) {
            throw ApiException.unauthorized(BAD_CREDENTIALS);
        }
        return tokens.startLogin(user.get());
    }

    /**
     * Changes the caller's password, revokes every refresh token of the user (every login on every
     * device), announces that to the chat nodes (which close the user's open sessions), and starts a
     * new login for the caller. The current-password check counts against the login limits like a
     * login does: it is as good a password oracle.
     *
     * <p>Safe to retry: when the announcement fails the answer is 503 with the password already
     * changed, so the same request again finds its new password already in place; it then revokes
     * and announces again instead of answering 403.
     *
     * @throws ApiException 403 if the current password is wrong, 429 over a login limit, 503 if the
     *         revocation could not be announced
     */
    TokenResponse changePassword(long userId, PasswordChangeRequest request, Optional<String> clientAddress) {
        User user = users.findById(userId).orElseThrow(() -> ApiException.unauthorized("The user no longer exists."));
        limits.checkLogin(user.username(), clientAddress);
        if (passwordEncoder.matches(request.currentPassword(), user.passwordHash())) {
            users.changePassword(userId, request.newPassword());
        } else if (!passwordEncoder.matches(request.newPassword(), user.passwordHash())) {
            throw ApiException.forbidden(WRONG_CURRENT_PASSWORD);
        }
        tokens.revokeAll(userId);
        return tokens.startLogin(user);
    }
}
