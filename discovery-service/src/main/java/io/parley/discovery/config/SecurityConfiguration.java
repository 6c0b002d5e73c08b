package io.parley.discovery.config;

import io.parley.common.security.BearerJwtSecurity;
import io.parley.common.security.BearerJwtSecurity.PublicPaths;
import io.parley.common.security.SecurityProblemResponses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two filter chains, because this process serves two audiences.
 *
 * <ul>
 *   <li>{@code /api/**}: end users, through the gateway. The chain every service shares (common's
 *       {@link BearerJwtSecurity}) with no public path: every request needs a valid JWT from
 *       api-service's JWKS; anything else gets a 401 problem detail.</li>
 *   <li>Everything else: the Eureka REST API ({@code /eureka/**}) that services register with,
 *       the dashboard, {@code /internal/**} and actuator. These are for machines and operators
 *       inside the network and carry no user token, so they are open here; the gateway routes
 *       only {@code /api/**}, which keeps them off the public entry. A deployment that exposes
 *       this port beyond the cluster must protect them at the network level.</li>
 * </ul>
 *
 * Keeping them apart (instead of one chain with {@code permitAll}) means the resource server
 * never even looks at Eureka traffic, so a stray {@code Authorization} header there cannot fail
 * a registration.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** What a client without a valid token is told here: it talks to discovery, but logs in at api-service. */
    private static final String TOKEN_REQUIRED_DETAIL =
            "A valid bearer token is required; log in to api-service to get one.";

    @Bean
    @Order(1)
    SecurityFilterChain userApi(HttpSecurity http, JsonMapper jsonMapper) throws Exception {
        var problems = new SecurityProblemResponses(jsonMapper, TOKEN_REQUIRED_DETAIL, TOKEN_REQUIRED_DETAIL);
        http.securityMatcher("/api/**");
        return BearerJwtSecurity.filterChain(http, problems, PublicPaths.none());
    }

    @Bean
    @Order(2)
    SecurityFilterChain infrastructure(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                // Eureka clients POST/PUT/DELETE without CSRF tokens.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
