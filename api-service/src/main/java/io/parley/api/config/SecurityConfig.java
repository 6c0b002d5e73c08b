package io.parley.api.config;

import io.parley.api.auth.SigningKeys;
import io.parley.api.user.PrehashedBCryptPasswordEncoder;
import io.parley.common.registry.RegistryCredentials;
import io.parley.common.security.BearerJwtSecurity;
import io.parley.common.security.SecurityProblemResponses;
import io.parley.common.security.ServicePlaneSecurity;
import io.parley.common.security.TokenValidation;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * api-service both issues tokens and is a resource server for them: the chain every service shares
 * (common's {@link BearerJwtSecurity}), with sign-up, login, refresh, logout, the JWKS and the API
 * description public.
 * It validates with the public keys it already holds in memory (the same set it publishes as the
 * JWKS), so it never calls its own {@code /api/auth/jwks} over HTTP and cannot deadlock on itself
 * at start-up. Actuator is on the service plane: the bare health status is public, the rest needs
 * the registry credentials ({@link ServicePlaneSecurity}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    RegistryCredentials registryCredentials(Environment environment) {
        return RegistryCredentials.from(environment);
    }

    @Bean
    @Order(1)
    SecurityFilterChain servicePlane(HttpSecurity http, RegistryCredentials credentials, JsonMapper jsonMapper)
            throws Exception {
        http.securityMatcher("/actuator/**", "/internal/**");
        return ServicePlaneSecurity.filterChain(http, credentials, jsonMapper);
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiSecurity(HttpSecurity http, JsonMapper jsonMapper) throws Exception {
        var problems = new SecurityProblemResponses(jsonMapper);
        return BearerJwtSecurity.filterChain(http, problems, publicPaths -> publicPaths
                // sign-up, login and the keys to check tokens with come before having a token
                .requestMatchers(HttpMethod.POST, "/api/users", "/api/auth/login").permitAll()
                // the refresh token is the credential here: the access token has usually expired
                .requestMatchers(HttpMethod.POST, "/api/auth/refresh", "/api/auth/logout").permitAll()
                .requestMatchers(HttpMethod.GET, "/api/auth/jwks").permitAll()
                .requestMatchers("/api/openapi", "/api/openapi/**", "/api/docs", "/api/docs/**",
                        "/api/swagger-ui/**").permitAll());
    }

    /**
     * The bearer header is ignored on login, refresh and logout: they take their credential from the
     * body, and a client that still sends its expired access token there must not get a 401 for it.
     * Everywhere else the header (only the header) counts, as Spring's default.
     */
    @Bean
    BearerTokenResolver bearerTokenResolver() {
        DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
        RequestMatcher bodyCredential = new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/auth/login"),
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/auth/refresh"),
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/api/auth/logout"));
        return (HttpServletRequest request) -> bodyCredential.matches(request) ? null : header.resolve(request);
    }

    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(keys.signingKeySource());
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthProperties properties) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys.verificationKeySource()).build();
        // signature, exp/nbf (with Spring's default 60 s clock skew), iss and aud: what every service checks
        decoder.setJwtValidator(TokenValidation.validator(properties.issuer(), properties.audience()));
        return decoder;
    }

    /**
     * bcrypt rather than Argon2: Spring's Argon2 encoder needs BouncyCastle, an extra crypto
     * dependency for no practical gain at our threat model; bcrypt is memory-light, battle-tested
     * and tunable through {@code parley.auth.bcrypt-strength}.
     */
    @Bean
    PasswordEncoder passwordEncoder(AuthProperties properties) {
        return new PrehashedBCryptPasswordEncoder(properties.bcryptStrength());
    }

    /** One clock for token timestamps and created_at, replaceable in tests. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
