package io.parley.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

class TokenValidationTest {

    private final OAuth2TokenValidator<Jwt> validator = TokenValidation.validator("parley", "parley");

    @Test
    void acceptsATokenOfTheIssuerForTheAudience() {
        assertThat(validator.validate(token("parley", List.of("parley"), 600)).hasErrors()).isFalse();
        assertThat(validator.validate(token("parley", List.of("other", "parley"), 600)).hasErrors()).isFalse();
    }

    @Test
    void refusesAnotherIssuer() {
        assertThat(validator.validate(token("someone-else", List.of("parley"), 600)).hasErrors()).isTrue();
    }

    @Test
    void refusesAnotherOrAMissingAudience() {
        assertThat(validator.validate(token("parley", List.of("another-app"), 600)).hasErrors()).isTrue();
        assertThat(validator.validate(token("parley", null, 600)).hasErrors()).isTrue();
    }

    @Test
    void refusesAnExpiredToken() {
        assertThat(validator.validate(token("parley", List.of("parley"), -3600)).hasErrors()).isTrue();
    }

    @Test
    void readsIssuerAndAudienceFromTheSharedProperties() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty(TokenValidation.ISSUER_PROPERTY, "https://auth.example")
                .withProperty(TokenValidation.AUDIENCE_PROPERTY, "chat");
        OAuth2TokenValidator<Jwt> configured = TokenValidation.issuerAndAudience(environment);

        assertThat(configured.validate(token("https://auth.example", List.of("chat"), 600)).hasErrors()).isFalse();
        assertThat(configured.validate(token("parley", List.of("parley"), 600)).hasErrors()).isTrue();
        // unset: the defaults, which api-service issues by default
        assertThat(TokenValidation.issuerAndAudience(new MockEnvironment())
                .validate(token("parley", List.of("parley"), 600)).hasErrors()).isFalse();
    }

    @Test
    void blankSettingsAreAConfigurationError() {
        assertThatThrownBy(() -> TokenValidation.issuerAndAudience("parley", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Jwt token(String issuer, List<String> audience, long expiresInSeconds) {
        Instant now = Instant.now();
        Jwt.Builder builder = Jwt.withTokenValue("t").header("alg", "RS256").subject("1").issuer(issuer)
                .issuedAt(now.minusSeconds(Math.max(0, -expiresInSeconds) + 10))
                .expiresAt(now.plusSeconds(expiresInSeconds));
        if (audience != null) {
            builder.audience(audience);
        }
        return builder.build();
    }
}
