package io.parley.api.auth;

import io.parley.api.config.AuthProperties;
import io.parley.api.user.User;
import io.parley.api.user.UserService;
import io.parley.common.events.TokensRevoked;
import io.parley.common.web.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Refresh tokens (docs/api.md "Token lifecycle"): opaque, 256 random bits in base64url, stored only
 * as their SHA-256. Each login starts a family; {@link #refresh} rotates (the presented token is
 * marked used and the family gets a new one), and a used token presented again revokes its whole
 * family: one of the two presenters is a thief, and we cannot tell which, so both log in again.
 *
 * <p>The rotation race (two refreshes with one token at once) is decided by a lightweight
 * transaction on the token's state: exactly one wins and gets the next token; the other is
 * treated as a replay, like any later one. Clients must therefore refresh one at a time.
 */
@Service
class RefreshTokens {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);
    static final int TOKEN_BYTES = 32;

    static final String INVALID = "The refresh token is invalid, expired or revoked; log in again (POST /api/auth/login).";
    static final String REUSED = "The refresh token was already used; every token of this login is now revoked. "
            + "Log in again (POST /api/auth/login).";

    private final RefreshTokenStore store;
    private final TokenIssuer issuer;
    private final UserService users;
    private final AuthProperties properties;
    private final Clock clock;
    private final RevocationAnnouncer announcer;
    private final SecureRandom random = new SecureRandom();

    RefreshTokens(RefreshTokenStore store, TokenIssuer issuer, UserService users, AuthProperties properties,
                  RevocationAnnouncer announcer, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.announcer = announcer;
        this.users = users;
        this.properties = properties;
        this.clock = clock;
    }

    /** Tokens for a fresh login: a new family with its first refresh token. */
    TokenResponse startLogin(User user) {
        Instant now = clock.instant();
        UUID family = UUID.randomUUID();
        store.startFamily(user.id(), family, now, properties.refreshTokenTtl());
        return respond(user, family, issueRefresh(user.id(), family, now));
    }

    /**
     * Exchanges a refresh token for a new access token and the next refresh token of its family.
     *
     * @throws ApiException 401 if the token is unknown, expired, of a revoked family, or already
     *         used (which also revokes the family)
     */
    TokenResponse refresh(String refreshToken) {
        Instant now = clock.instant();
        ByteBuffer hash = hash(refreshToken);
        RefreshTokenStore.StoredToken stored = store.findToken(hash)
                .filter(token -> token.expiresAt() != null && token.expiresAt().isAfter(now))
                .orElseThrow(() -> ApiException.unauthorized(INVALID));
        if (RefreshTokenStore.USED.equals(stored.state())) {
            throw reused(stored);
        }
        if (!store.familyUsable(stored.userId(), stored.familyId())) {
            throw ApiException.unauthorized(INVALID);
        }
        Optional<User> user = users.findById(stored.userId());
        if (user.isEmpty()) {
            throw ApiException.unauthorized(INVALID);
        }
        if (!store.markUsed(hash, now, stored.expiresAt())) {
            // Lost the race to a concurrent refresh with the same token, or a replay just now.
            throw reused(stored);
        }
        store.touchFamily(stored.userId(), stored.familyId(), now, properties.refreshTokenTtl());
        return respond(user.get(), stored.familyId(), issueRefresh(stored.userId(), stored.familyId(), now));
    }

    /**
     * Revokes the family of the token, if it is one of ours, and announces it so that chat nodes
     * close the sessions opened with its access tokens; unknown tokens are ignored. Idempotent: a
     * token of an already revoked family (a retry after a 503) is revoked and announced again.
     *
     * @throws ApiException 503 if the announcement failed (the family is revoked; retry to announce it)
     */
    void logout(String refreshToken) {
        Optional<RefreshTokenStore.StoredToken> token = store.findToken(hash(refreshToken));
        if (token.isEmpty()) {
            return;
        }
        long userId = token.get().userId();
        UUID family = token.get().familyId();
        long now = clock.millis();
        store.revokeFamily(userId, family, properties.refreshTokenTtl());
        announcer.announce(TokensRevoked.logout(userId, family.toString(), now));
    }

    /**
     * Revokes every family of the user (password change) and announces it: chat nodes close every
     * session of the user opened with a token issued before now. A login started after this call
     * is not affected.
     *
     * @throws ApiException 503 if the announcement failed (the families are revoked; retry)
     */
    void revokeAll(long userId) {
        long now = clock.millis();
        List<String> revoked = new ArrayList<>();
        for (UUID family : store.familiesOf(userId)) {
            store.revokeFamily(userId, family, properties.refreshTokenTtl());
            revoked.add(family.toString());
        }
        announcer.announce(TokensRevoked.everyLogin(userId, revoked, now));
    }

    private ApiException reused(RefreshTokenStore.StoredToken stored) {
        log.warn("refresh token reuse for user {} (family {}); revoking the family", stored.userId(), stored.familyId());
        store.revokeFamily(stored.userId(), stored.familyId(), properties.refreshTokenTtl());
        return ApiException.unauthorized(REUSED);
    }

    private String issueRefresh(long userId, UUID family, Instant now) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.insertToken(hash(token), userId, family, now, now.plus(properties.refreshTokenTtl()));
        return token;
    }

    private TokenResponse respond(User user, UUID family, String refreshToken) {
        return new TokenResponse(issuer.accessToken(user, family), "Bearer", issuer.accessTokenSeconds(),
                Long.toString(user.id()), refreshToken, properties.refreshTokenTtl().toSeconds());
    }

    /** SHA-256 of the token's UTF-8 bytes: what is stored and looked up. */
    static ByteBuffer hash(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
