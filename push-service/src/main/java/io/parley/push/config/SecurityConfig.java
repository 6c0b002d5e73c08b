package io.parley.push.config;

import io.parley.push.web.ProblemResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every {@code /api/push/**} request needs a valid JWT from api-service (RS256, checked against its
 * JWKS at {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}); the caller is the token's
 * {@code sub}. 401/403 come back as problem details like every other error. The OpenAPI description
 * ({@code /api/push/openapi}) and Swagger UI ({@code /api/push/docs}) need no token.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    @Bean
    SecurityFilterChain pushSecurity(HttpSecurity http, ProblemResponses problems) throws Exception {
        http
                // Bearer tokens in a header, no cookies: there is no ambient credential to forge.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        // The API description and Swagger UI are public, as api-service's are.
                        .requestMatchers("/api/push/openapi", "/api/push/openapi/**", "/api/push/docs",
                                "/api/push/docs/**", "/api/push/swagger-ui/**").permitAll()
                        // error dispatches carry the original status; do not turn them into 401s
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> { })
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems));
        return http.build();
    }
}
