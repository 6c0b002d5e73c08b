package io.parley.push.config;

import io.parley.common.registry.RegistryCredentials;
import io.parley.common.security.BearerJwtSecurity;
import io.parley.common.security.SecurityProblemResponses;
import io.parley.common.security.ServicePlaneSecurity;
import io.parley.common.security.TokenValidation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code /api/push/**} request needs a valid JWT from api-service (RS256, checked against its
 * JWKS at {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}); the caller is the token's
 * {@code sub}. 401/403 come back as problem details like every other error (the chain every
 * service shares: common's {@link BearerJwtSecurity}). The OpenAPI description
 * ({@code /api/push/openapi}) and Swagger UI ({@code /api/push/docs}) need no token. Actuator is
 * on the service plane: the bare health status is public, details (which push sink is in use, the
 * Cassandra and Kafka state) need the registry credentials ({@link ServicePlaneSecurity}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    RegistryCredentials registryCredentials(Environment environment) {
        return RegistryCredentials.from(environment);
    }

    /**
     * iss and aud ({@code parley.auth.issuer}/{@code audience}, common's {@link TokenValidation}), checked
     * on top of the signature and timestamps by the decoder Boot builds from {@code jwk-set-uri}.
     */
    @Bean
    OAuth2TokenValidator<Jwt> parleyTokenValidator(Environment environment) {
        return TokenValidation.issuerAndAudience(environment);
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
    SecurityFilterChain pushSecurity(HttpSecurity http, JsonMapper jsonMapper) throws Exception {
        var problems = new SecurityProblemResponses(jsonMapper);
        return BearerJwtSecurity.filterChain(http, problems, publicPaths -> publicPaths
                // The API description and Swagger UI are public, as api-service's are.
                .requestMatchers("/api/push/openapi", "/api/push/openapi/**", "/api/push/docs",
                        "/api/push/docs/**", "/api/push/swagger-ui/**").permitAll());
    }
}
