package io.parley.discovery.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Two filter chains, because this process serves two audiences.
 *
 * <ul>
 *   <li>{@code /api/**}: end users, through the gateway. Every request needs a valid JWT from
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

    @Bean
    @Order(1)
    SecurityFilterChain userApi(HttpSecurity http, ProblemDetailAuthenticationEntryPoint entryPoint) throws Exception {
        return http
                .securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint(entryPoint))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint))
                // Bearer tokens only: no session, no cookies, so CSRF protection has nothing to protect.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
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
