package io.parley.api.auth;

import io.parley.api.ratelimit.AuthRateLimits;
import io.parley.api.user.User;
import io.parley.api.user.UserService;
import io.parley.common.web.ApiException;
import java.util.Optional;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** Checks credentials and issues a token. */
@Service
class LoginService {

    /** One message for both failures, so the answer does not reveal which usernames exist. */
    static final String BAD_CREDENTIALS = "Wrong username or password.";

    private final UserService users;
    private final PasswordEncoder passwordEncoder;
    private final TokenIssuer tokens;
    private final AuthRateLimits limits;
    /** Compared against when the user does not exist, so both failures take about as long. */
    private final String dummyHash;

    LoginService(UserService users, PasswordEncoder passwordEncoder, TokenIssuer tokens, AuthRateLimits limits) {
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
        return tokens.issue(user.get());
    }
}
