package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.nimbusds.jwt.SignedJWT;
import io.parley.api.config.AuthProperties;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import tools.jackson.databind.JsonNode;

/** The token lifecycle over real HTTP on a real Cassandra: login, refresh and rotation, logout, password change. */
class TokenIT extends ApiIntegrationTest {

    @Autowired
    CqlSession session;

    @Autowired
    SigningKeys keys;

    @Autowired
    AuthProperties properties;

    private record Account(String username, String password, long userId) {
    }

    private Account signUp(String prefix) {
        String username = TestIds.username(prefix);
        String password = "password-" + username;
        Response signUp = api.post("/api/users",
                Map.of("username", username, "password", password, "displayName", "User " + username), null);
        assertThat(signUp.status()).as(signUp.body()).isEqualTo(201);
        return new Account(username, password, Long.parseLong(signUp.json().get("id").asString()));
    }

    private JsonNode login(Account account) {
        Response login = api.post("/api/auth/login",
                Map.of("username", account.username(), "password", account.password()), null);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        return login.json();
    }

    private Response refresh(String refreshToken) {
        return api.post("/api/auth/refresh", Map.of("refreshToken", refreshToken), null);
    }

    private static void assertUnauthenticated(Response response, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:parley:problem:unauthenticated");
        assertThat(response.json().get("detail").asString()).contains(detailContains);
    }

    @Test
    void loginReturnsAShortLivedAccessTokenForTheAudienceAndARefreshToken() throws Exception {
        JsonNode tokens = login(signUp("tk_login"));

        assertThat(tokens.get("expiresIn").asLong()).isEqualTo(Duration.ofMinutes(15).toSeconds());
        assertThat(tokens.get("refreshExpiresIn").asLong()).isEqualTo(Duration.ofDays(30).toSeconds());
        // 256 bits in unpadded base64url
        assertThat(tokens.get("refreshToken").asString()).matches("[A-Za-z0-9_-]{43}");
        SignedJWT jwt = SignedJWT.parse(tokens.get("accessToken").asString());
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("parley");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("parley");
        // only the hash is stored
        assertThat(session.execute("SELECT token_hash FROM refresh_tokens WHERE token_hash = ?",
                RefreshTokens.hash(tokens.get("refreshToken").asString())).one()).isNotNull();
    }

    @Test
    void refreshRotatesAndReusingTheOldTokenRevokesTheWholeLogin() {
        Account alice = signUp("tk_rotate");
        JsonNode first = login(alice);
        JsonNode otherDevice = login(alice);

        Response rotated = refresh(first.get("refreshToken").asString());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String second = rotated.json().get("refreshToken").asString();
        assertThat(second).isNotEqualTo(first.get("refreshToken").asString());
        assertThat(rotated.json().get("userId").asString()).isEqualTo(Long.toString(alice.userId()));
        assertThat(api.get("/api/users/me", rotated.json().get("accessToken").asString()).status()).isEqualTo(200);

        // the old token again: refused, and its family is revoked, so the newer one fails too
        assertUnauthenticated(refresh(first.get("refreshToken").asString()), "already used");
        assertUnauthenticated(refresh(second), "log in again");

        // another login of the same user is a family of its own and keeps working
        Response other = refresh(otherDevice.get("refreshToken").asString());
        assertThat(other.status()).as(other.body()).isEqualTo(200);
    }

    @Test
    void twoConcurrentRefreshesWithOneTokenGetOneNewTokenAtMostAndRevokeTheLogin() throws Exception {
        String token = login(signUp("tk_race")).get("refreshToken").asString();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Response>> attempts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            attempts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return refresh(token);
            }));
        }
        start.countDown();
        List<Response> answers = attempts.stream().map(CompletableFuture::join).toList();

        List<Response> won = answers.stream().filter(r -> r.status() == 200).toList();
        assertThat(won).hasSize(1);
        assertThat(answers.stream().filter(r -> r.status() == 401)).hasSize(1);
        // the loser counts as a replay: the winner's new token is revoked with the family
        assertUnauthenticated(refresh(won.get(0).json().get("refreshToken").asString()), "log in again");
    }

    @Test
    void logoutRevokesTheLoginAndIsIdempotent() {
        Account bob = signUp("tk_logout");
        JsonNode tokens = login(bob);
        String refreshToken = tokens.get("refreshToken").asString();

        // an (expired or any) access token in the header does not get in the way of logout or refresh
        Response logout = api.send("POST", "/api/auth/logout", Map.of("refreshToken", refreshToken), "not-a-jwt",
                Map.of());
        assertThat(logout.status()).as(logout.body()).isEqualTo(204);

        assertUnauthenticated(refresh(refreshToken), "log in again");
        assertThat(api.post("/api/auth/logout", Map.of("refreshToken", refreshToken), null).status()).isEqualTo(204);
        assertThat(api.post("/api/auth/logout", Map.of("refreshToken", "never-issued"), null).status()).isEqualTo(204);
        assertThat(api.post("/api/auth/logout", Map.of(), null).status()).isEqualTo(400);
    }

    @Test
    void aStaleAccessTokenInTheHeaderDoesNotStopARefresh() {
        String refreshToken = login(signUp("tk_header")).get("refreshToken").asString();

        Response response = api.send("POST", "/api/auth/refresh", Map.of("refreshToken", refreshToken), "expired.jwt.here",
                Map.of());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void passwordChangeRevokesEveryLoginAndTheOldPasswordStopsWorking() {
        Account carol = signUp("tk_password");
        JsonNode phone = login(carol);
        JsonNode laptop = login(carol);
        String access = phone.get("accessToken").asString();
        String newPassword = "a-brand-new-password";

        Response wrongCurrent = api.post("/api/auth/password",
                Map.of("currentPassword", "not-my-password", "newPassword", newPassword), access);
        assertThat(wrongCurrent.status()).as(wrongCurrent.body()).isEqualTo(403);
        assertThat(wrongCurrent.json().get("type").asString()).isEqualTo("urn:parley:problem:forbidden");
        Response tooShort = api.post("/api/auth/password",
                Map.of("currentPassword", carol.password(), "newPassword", "short"), access);
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.json().get("errors").get(0).get("field").asString()).isEqualTo("newPassword");
        assertThat(api.post("/api/auth/password",
                Map.of("currentPassword", carol.password(), "newPassword", newPassword), null).status()).isEqualTo(401);
        // nothing changed so far
        Response stillFine = refresh(laptop.get("refreshToken").asString());
        assertThat(stillFine.status()).isEqualTo(200);

        Response changed = api.post("/api/auth/password",
                Map.of("currentPassword", carol.password(), "newPassword", newPassword), access);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);

        assertUnauthenticated(refresh(phone.get("refreshToken").asString()), "log in again");
        assertUnauthenticated(refresh(stillFine.json().get("refreshToken").asString()), "log in again");
        // the caller's new login works
        assertThat(refresh(changed.json().get("refreshToken").asString()).status()).isEqualTo(200);
        assertThat(api.post("/api/auth/login", Map.of("username", carol.username(), "password", carol.password()), null)
                .status()).isEqualTo(401);
        assertThat(api.post("/api/auth/login", Map.of("username", carol.username(), "password", newPassword), null)
                .status()).isEqualTo(200);
    }

    @Test
    void anExpiredOrUnknownRefreshTokenIsRefused() {
        Account dave = signUp("tk_expired");
        // a token whose row is still there (TTL) but whose expires_at has passed, in a live family
        String expired = "expired-" + UUID.randomUUID();
        UUID family = UUID.randomUUID();
        Instant now = Instant.now();
        session.execute("INSERT INTO refresh_families (user_id, family_id, created_at, refreshed_at) VALUES (?, ?, ?, ?) "
                + "USING TTL 600", dave.userId(), family, now, now);
        session.execute("INSERT INTO refresh_tokens (token_hash, user_id, family_id, state, issued_at, expires_at) "
                + "VALUES (?, ?, ?, 'active', ?, ?) USING TTL 600", RefreshTokens.hash(expired), dave.userId(), family,
                now.minus(Duration.ofDays(31)), now.minusSeconds(1));

        assertUnauthenticated(refresh(expired), "expired");
        assertUnauthenticated(refresh("never-issued"), "log in again");
        assertThat(refresh("").status()).isEqualTo(400);
    }

    @Test
    void aTokenWithAnotherIssuerOrAudienceIsRefused() {
        long userId = signUp("tk_aud").userId();

        assertThat(api.get("/api/users/me", mint(userId, "parley", List.of("parley"))).status()).isEqualTo(200);
        for (String token : List.of(mint(userId, "someone-else", List.of("parley")),
                mint(userId, "parley", List.of("another-app")),
                mint(userId, "parley", List.of()))) {
            Response response = api.get("/api/users/me", token);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
        }
    }

    /** A token signed with the service's own key, with the given iss and aud (none when empty). */
    private String mint(long userId, String issuer, List<String> audience) {
        Instant now = Instant.now();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(issuer).subject(Long.toString(userId))
                .issuedAt(now).expiresAt(now.plusSeconds(300));
        if (!audience.isEmpty()) {
            claims.audience(audience);
        }
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(keys.currentKeyId()).build();
        return new NimbusJwtEncoder(keys.signingKeySource())
                .encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
    }
}
