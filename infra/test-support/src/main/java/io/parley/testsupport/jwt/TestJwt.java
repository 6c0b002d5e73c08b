package io.parley.testsupport.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Tests trust a key pair generated here instead of api-service's JWKS: this configuration's
 * decoder replaces the one Boot would build from {@code jwk-set-uri}, and {@link #token} mints
 * RS256 tokens the way api-service does ({@code sub} = user id, issuer and audience parley). Shared by the
 * services that take api-service's tokens (chat-service, push-service), so their tests mint the
 * same tokens; the Spring Security and Boot test classes it needs come from those services' own
 * test dependencies (optional here, so infra/local-run does not get them).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestJwt {

    private static final KeyPair KEYS = generate();
    private static final KeyPair OTHER_KEYS = generate();

    /** The issuer and audience every Parley service expects by default (common's TokenValidation). */
    public static final String ISSUER = "parley";
    public static final String AUDIENCE = "parley";

    /** Checks what the services check: signature, timestamps, issuer and audience. */
    @Bean
    JwtDecoder testJwtDecoder() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey((RSAPublicKey) KEYS.getPublic()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(AUDIENCE))));
        return decoder;
    }

    /** A valid one-hour token for the user. */
    public static String token(long userId) {
        return sign(KEYS, userId, Duration.ofHours(1), ISSUER, AUDIENCE);
    }

    /** A valid token for the user that expires after {@code ttl}. */
    public static String token(long userId, Duration ttl) {
        return sign(KEYS, userId, ttl, ISSUER, AUDIENCE);
    }

    /** A token signed by the trusted key, with the given issuer and audience. */
    public static String token(long userId, String issuer, String audience) {
        return sign(KEYS, userId, Duration.ofHours(1), issuer, audience);
    }

    /**
     * A valid one-hour token of one login of the user: a {@code sid} claim naming the login, as
     * api-service issues them (what a revocation names), issued at {@code issuedAt}.
     */
    public static String tokenOfLogin(long userId, String login, Instant issuedAt) {
        return sign(KEYS, userId, issuedAt, issuedAt.plus(Duration.ofHours(1)), ISSUER, AUDIENCE, login);
    }

    /**
     * The trusted public key as a JWKS document, for a service started as a separate process
     * (its {@code jwk-set-uri} points at a test HTTP server serving this).
     */
    public static String jwks() {
        return new JWKSet(new RSAKey.Builder((RSAPublicKey) KEYS.getPublic()).keyID("test").build()).toString();
    }

    /** A well-formed token signed by a key the server does not trust. */
    public static String untrustedToken(long userId) {
        return sign(OTHER_KEYS, userId, Duration.ofHours(1), ISSUER, AUDIENCE);
    }

    private static String sign(KeyPair keys, long userId, Duration ttl, String issuer, String audience) {
        Instant now = Instant.now();
        return sign(keys, userId, now, now.plus(ttl), issuer, audience, null);
    }

    private static String sign(KeyPair keys, long userId, Instant issuedAt, Instant expiresAt, String issuer,
                               String audience, String login) {
        RSAKey key = new RSAKey.Builder((RSAPublicKey) keys.getPublic()).privateKey((RSAPrivateKey) keys.getPrivate())
                .keyID("test").build();
        var encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder().issuer(issuer).audience(List.of(audience))
                .subject(Long.toString(userId)).issuedAt(issuedAt).expiresAt(expiresAt);
        if (login != null) {
            claims.claim("sid", login);
        }
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build()))
                .getTokenValue();
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
