package io.parley.common.security;

import java.util.List;
import org.springframework.core.env.PropertyResolver;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;

/**
 * What every Parley service checks in an access token besides its signature: {@code exp}/{@code nbf}
 * (Spring's default 60 s clock skew), {@code iss} and {@code aud}. The issuer and audience are read
 * from the same properties on every service, {@value #ISSUER_PROPERTY} and {@value #AUDIENCE_PROPERTY}
 * (each service's application.yml maps them to {@code PARLEY_JWT_ISSUER} and {@code PARLEY_JWT_AUDIENCE}),
 * so one setting changes what api-service issues and what every service accepts.
 *
 * <p>A service that lets Boot build its decoder from {@code jwk-set-uri} declares
 * {@link #issuerAndAudience(PropertyResolver)} as an {@code OAuth2TokenValidator<Jwt>} bean: Boot adds
 * such beans to its default (timestamp) validator. api-service builds its own decoder with
 * {@link #validator(String, String)}.
 */
public final class TokenValidation {

    public static final String ISSUER_PROPERTY = "parley.auth.issuer";
    public static final String AUDIENCE_PROPERTY = "parley.auth.audience";
    public static final String DEFAULT_ISSUER = "parley";
    public static final String DEFAULT_AUDIENCE = "parley";
    /**
     * The login an access token was issued for (its refresh-token family id, a UUID string): what a
     * revocation ({@code io.parley.common.events.TokensRevoked}) names. Not validated: tokens issued
     * before the claim existed have none and stay valid until they expire.
     */
    public static final String LOGIN_CLAIM = "sid";

    private TokenValidation() {
    }

    /** Timestamps, issuer and audience: the whole check for a decoder built by hand. */
    public static OAuth2TokenValidator<Jwt> validator(String issuer, String audience) {
        return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(), issuerAndAudience(issuer, audience));
    }

    /** Issuer and audience only, from the shared properties (defaults {@code parley} and {@code parley}). */
    public static OAuth2TokenValidator<Jwt> issuerAndAudience(PropertyResolver environment) {
        return issuerAndAudience(environment.getProperty(ISSUER_PROPERTY, DEFAULT_ISSUER),
                environment.getProperty(AUDIENCE_PROPERTY, DEFAULT_AUDIENCE));
    }

    /** Issuer and audience only: {@code iss} must equal {@code issuer}, {@code aud} must contain {@code audience}. */
    public static OAuth2TokenValidator<Jwt> issuerAndAudience(String issuer, String audience) {
        if (issuer == null || issuer.isBlank() || audience == null || audience.isBlank()) {
            throw new IllegalArgumentException(ISSUER_PROPERTY + " and " + AUDIENCE_PROPERTY + " must not be blank");
        }
        OAuth2TokenValidator<Jwt> audienceValidator = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(audience));
        return new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(issuer), audienceValidator);
    }
}
