package io.parley.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.parley.api.config.AuthProperties;
import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiClient.Session;
import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class AuthIT extends ApiIntegrationTest {

    @Autowired
    CqlSession session;

    @Autowired
    AuthProperties properties;

    @Test
    void loginIssuesATokenThatVerifiesWithThePublishedJwks() throws Exception {
        String username = TestIds.username("Carol");
        Response signUp = api.post("/api/users",
                Map.of("username", username, "password", "s3cret-pass", "displayName", "Carol C"), null);
        assertThat(signUp.status()).isEqualTo(201);
        String userId = signUp.json().get("id").asString();

        // login is case-insensitive in the username, like sign-up
        Response login = api.post("/api/auth/login",
                Map.of("username", username.toUpperCase(), "password", "s3cret-pass"), null);

        assertThat(login.status()).isEqualTo(200);
        JsonNode body = login.json();
        assertThat(body.get("tokenType").asString()).isEqualTo("Bearer");
        assertThat(body.get("expiresIn").asLong()).isEqualTo(900);
        assertThat(body.get("userId").asString()).isEqualTo(userId);

        Response jwksResponse = api.get("/api/auth/jwks", null);
        assertThat(jwksResponse.status()).isEqualTo(200);
        assertThat(jwksResponse.header("Content-Type")).startsWith("application/json");
        JWKSet jwks = JWKSet.parse(jwksResponse.body());
        assertThat(jwks.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());

        SignedJWT jwt = SignedJWT.parse(body.get("accessToken").asString());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("the token's kid is in the JWKS").isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(userId);
        assertThat(claims.getIssuer()).isEqualTo("parley");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo(username.toLowerCase());
        assertThat(claims.getStringClaim("name")).isEqualTo("Carol C");
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void theTokenAuthenticatesAgainstTheServiceItself() {
        Session alice = api.newUser("alice");

        Response me = api.get("/api/users/me", alice.token());

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("id").asString()).isEqualTo(Long.toString(alice.userId()));
    }

    @Test
    void everyInstanceSharesTheStoredSigningKey() throws Exception {
        // a second instance starting against the same keyspace loses the IF NOT EXISTS race and
        // must adopt the stored key rather than its own freshly generated one
        SigningKeys secondInstance = new SigningKeys(session, properties, Clock.systemUTC(),
                SigningKeyCipher.of(SIGNING_KEY_SECRET, java.util.List.of()));

        JWKSet published = JWKSet.parse(api.get("/api/auth/jwks", null).body());

        assertThat(secondInstance.publicJwks()).isEqualTo(published.toJSONObject(true));
        assertThat(secondInstance.currentKeyId()).isEqualTo(properties.signingKeyId());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSame401() {
        Session bob = api.newUser("bob");

        Response wrongPassword = api.post("/api/auth/login", Map.of("username", bob.username(), "password", "nope-nope"), null);
        Response unknownUser = api.post("/api/auth/login",
                Map.of("username", TestIds.username("ghost"), "password", "whatever1"), null);

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(wrongPassword.header("Content-Type")).startsWith("application/problem+json");
        assertThat(wrongPassword.json().get("detail").asString())
                .isEqualTo(unknownUser.json().get("detail").asString())
                .isEqualTo("Wrong username or password.");
        assertThat(wrongPassword.body()).doesNotContain("accessToken");
    }

    @Test
    void protectedEndpointsWithoutATokenAnswer401ProblemDetails() {
        Response response = api.get("/api/users/me", null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(401);
        assertThat(problem.get("title").asString()).isEqualTo("Unauthorized");
        assertThat(problem.get("detail").asString()).contains("Authorization: Bearer");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/users/me");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRejected() throws Exception {
        RSAKey foreignKey = new RSAKeyGenerator(2048).keyID(properties.signingKeyId()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(foreignKey.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("1").issuer("parley")
                        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        forged.sign(new RSASSASigner(foreignKey));

        Response response = api.get("/api/users/me", forged.serialize());

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(response.json().get("detail").asString()).contains("invalid or has expired");
    }
}
