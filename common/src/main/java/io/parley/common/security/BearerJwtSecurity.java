package io.parley.common.security;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The filter chain every Parley HTTP service puts in front of its user API: stateless, every
 * request needs a bearer JWT issued by api-service except the paths the service names as public,
 * and 401/403 answered as problem details by {@link SecurityProblemResponses}.
 *
 * <p>Which keys verify the token is the service's choice: a {@code JwtDecoder} bean if it has one
 * (api-service uses the keys it holds), otherwise Boot's decoder for
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} (api-service's JWKS). Either way the
 * decoder must check {@code iss} and {@code aud} as well: {@link TokenValidation}.
 */
public final class BearerJwtSecurity {

    /** The paths of one service that need no token; the rest of the registry is filled in here. */
    @FunctionalInterface
    public interface PublicPaths
            extends Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> {

        /** A service whose every request on this chain needs a token. */
        static PublicPaths none() {
            return registry -> { };
        }
    }

    private BearerJwtSecurity() {
    }

    /**
     * Builds the chain on {@code http}; a service that serves other audiences too restricts it
     * first with {@code http.securityMatcher(...)}.
     */
    public static SecurityFilterChain filterChain(HttpSecurity http, SecurityProblemResponses problems,
            PublicPaths publicPaths) throws Exception {
        return http
                // Bearer tokens in a header, no cookies: there is no ambient credential to forge.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> {
                    publicPaths.customize(auth);
                    auth
                            .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                            // error dispatches carry the original status; do not turn them into 401s
                            .requestMatchers("/error").permitAll()
                            .anyRequest().authenticated();
                })
                .oauth2ResourceServer(rs -> rs
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .build();
    }
}
