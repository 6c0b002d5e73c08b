package io.parley.chat.config;

import io.parley.common.registry.RegistryCredentials;
import io.parley.common.security.ServicePlaneSecurity;
import io.parley.common.security.TokenValidation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two audiences. The service plane ({@code /internal/**}, which discovery-service polls, and
 * actuator) takes the registry credentials over HTTP basic, never a user's token; only the bare
 * health status is public, for probes. Every other request needs a valid JWT from api-service
 * (RS256, keys from its JWKS). The WebSocket upgrade is an ordinary GET here, so a missing or bad
 * token is a 401 before any upgrade happens, and the session's principal is the token's {@code sub}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    static final String WS_PATH = "/ws/v1";

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
        http.securityMatcher("/internal/**", "/actuator/**");
        return ServicePlaneSecurity.filterChain(http, credentials, jsonMapper);
    }

    @Bean
    @Order(2)
    SecurityFilterChain securityFilterChain(HttpSecurity http, BearerTokenResolver tokens) throws Exception {
        http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()).bearerTokenResolver(tokens))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // No cookies are involved (the token is the credential), so CSRF protection has nothing to protect.
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /**
     * Browsers cannot set headers on a WebSocket handshake, so the WebSocket path also accepts the
     * token as the {@code access_token} query parameter. Everywhere else only the header counts:
     * tokens in URLs end up in logs and proxies, so the exception is as narrow as possible.
     */
    @Bean
    BearerTokenResolver bearerTokenResolver() {
        DefaultBearerTokenResolver headerOnly = new DefaultBearerTokenResolver();
        DefaultBearerTokenResolver headerOrQuery = new DefaultBearerTokenResolver();
        headerOrQuery.setAllowUriQueryParameter(true);
        RequestMatcher webSocket = PathPatternRequestMatcher.withDefaults().matcher(WS_PATH);
        return (HttpServletRequest request) ->
                webSocket.matches(request) ? headerOrQuery.resolve(request) : headerOnly.resolve(request);
    }
}
