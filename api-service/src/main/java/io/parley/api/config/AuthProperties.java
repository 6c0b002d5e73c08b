package io.parley.api.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token and password settings ({@code parley.auth.*}).
 *
 * @param issuer          the {@code iss} of every token; every service validates it
 *                        ({@code PARLEY_JWT_ISSUER}, the same variable on every service)
 * @param audience        the {@code aud} of every access token; every service validates it
 *                        ({@code PARLEY_JWT_AUDIENCE}, the same variable on every service)
 * @param tokenTtl        lifetime of an access token (15 minutes by default): also how long a
 *                        revoked login may still use its last access token for REST (open WebSockets
 *                        are closed on revocation) and a WebSocket stays open
 * @param refreshTokenTtl lifetime of a refresh token; each rotation issues a new one with a full
 *                        lifetime, so a login lasts as long as it is refreshed at least this often
 * @param signingKeyId    the {@code signing_keys} row (and JWT {@code kid}) new tokens are signed
 *                        with. Rotate by setting a new id: the row is created on first start, and
 *                        older keys stay in the JWKS so tokens signed with them remain valid
 * @param bcryptStrength  bcrypt cost factor (log2 rounds); tests lower it to run fast
 */
@Validated
@ConfigurationProperties("parley.auth")
public record AuthProperties(
        @DefaultValue("parley") @NotBlank String issuer,
        @DefaultValue("parley") @NotBlank String audience,
        @DefaultValue("15m") Duration tokenTtl,
        @DefaultValue("30d") Duration refreshTokenTtl,
        @DefaultValue("parley-rs256-1") @NotBlank String signingKeyId,
        @DefaultValue("10") @Min(4) @Max(31) int bcryptStrength) {

    public AuthProperties {
        if (tokenTtl.toSeconds() < 1 || refreshTokenTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("parley.auth.token-ttl and refresh-token-ttl must be at least 1s");
        }
    }
}
