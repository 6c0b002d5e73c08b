package io.parley.push.config;

import io.parley.common.security.BearerJwtSecurity;
import io.parley.common.security.SecurityProblemResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every {@code /api/push/**} request needs a valid JWT from api-service (RS256, checked against its
 * JWKS at {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}); the caller is the token's
 * {@code sub}. 401/403 come back as problem details like every other error (the chain every
 * service shares: common's {@link BearerJwtSecurity}). The OpenAPI description
 * ({@code /api/push/openapi}) and Swagger UI ({@code /api/push/docs}) need no token.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain pushSecurity(HttpSecurity http, JsonMapper jsonMapper) throws Exception {
        var problems = new SecurityProblemResponses(jsonMapper);
        return BearerJwtSecurity.filterChain(http, problems, publicPaths -> publicPaths
                // The API description and Swagger UI are public, as api-service's are.
                .requestMatchers("/api/push/openapi", "/api/push/openapi/**", "/api/push/docs",
                        "/api/push/docs/**", "/api/push/swagger-ui/**").permitAll());
    }
}
