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
 * @param issuer         the {@code iss} of every token; the other services validate it
 * @param tokenTtl       lifetime of an access token
 * @param signingKeyId   the {@code signing_keys} row (and JWT {@code kid}) new tokens are signed
 *                       with. Rotate by setting a new id: the row is created on first start, and
 *                       older keys stay in the JWKS so tokens signed with them remain valid
 * @param bcryptStrength bcrypt cost factor (log2 rounds); tests lower it to run fast
 */
@Validated
@ConfigurationProperties("parley.auth")
public record AuthProperties(
        @DefaultValue("parley") @NotBlank String issuer,
        @DefaultValue("1h") Duration tokenTtl,
        @DefaultValue("parley-rs256-1") @NotBlank String signingKeyId,
        @DefaultValue("10") @Min(4) @Max(31) int bcryptStrength) {
}
