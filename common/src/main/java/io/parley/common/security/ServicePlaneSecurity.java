package io.parley.common.security;

import io.parley.common.registry.RegistryCredentials;
import io.parley.common.web.ProblemTypes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * The filter chain of the service plane: what only Parley's own services and operators may call
 * (the Eureka REST API and dashboard, {@code /internal/**}, actuator beyond the bare health status).
 * HTTP basic with the {@link RegistryCredentials}; a caller that has them gets the role
 * {@value #ROLE}. The health status stays public for load balancers and probes
 * ({@code /actuator/health}, {@code /actuator/health/**}), without details unless the caller
 * authenticates ({@code management.endpoint.health.show-details: when-authorized} with
 * {@code roles: PARLEY_SERVICE}).
 *
 * <p>A service restricts the chain to its service-plane paths with {@code http.securityMatcher(...)}
 * before calling {@link #filterChain}.
 */
public final class ServicePlaneSecurity {

    /** The role a caller with the registry credentials has (Spring authority {@code ROLE_PARLEY_SERVICE}). */
    public static final String ROLE = "PARLEY_SERVICE";
    static final String REALM = "Parley service plane";
    static final String DETAIL =
            "Parley service credentials are required (HTTP basic, the registry credentials PARLEY_REGISTRY_USER/PARLEY_REGISTRY_PASSWORD).";

    private ServicePlaneSecurity() {
    }

    public static SecurityFilterChain filterChain(HttpSecurity http, RegistryCredentials credentials,
            JsonMapper jsonMapper) throws Exception {
        AuthenticationEntryPoint challenge = basicChallenge(jsonMapper);
        return http
                // Machines with a password in a header: no cookies, no session, nothing for CSRF to protect.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authenticationManager(new ProviderManager(provider(credentials)))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .anyRequest().hasRole(ROLE))
                .httpBasic(basic -> basic.realmName(REALM).authenticationEntryPoint(challenge))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(challenge)
                        .accessDeniedHandler((request, response, denied) ->
                                challenge.commence(request, response, new BadCredentialsException("not a service"))))
                .build();
    }

    /** Accepts exactly the registry credentials (or the previous password during a rotation). */
    static AuthenticationProvider provider(RegistryCredentials credentials) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String user = authentication.getName();
                Object password = authentication.getCredentials();
                if (!credentials.accepts(user, password == null ? null : password.toString())) {
                    throw new BadCredentialsException("wrong service credentials");
                }
                return UsernamePasswordAuthenticationToken.authenticated(user, null,
                        List.of(new SimpleGrantedAuthority("ROLE_" + ROLE)));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    /** 401 with a Basic challenge and a problem-detail body, like every other Parley error. */
    static AuthenticationEntryPoint basicChallenge(JsonMapper jsonMapper) {
        return (request, response, failure) -> {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            write(jsonMapper, request, response);
        };
    }

    private static void write(JsonMapper jsonMapper, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        HttpStatus status = HttpStatus.UNAUTHORIZED;
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", ProblemTypes.UNAUTHENTICATED.toString());
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", DETAIL);
        problem.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        jsonMapper.writeValue(response.getOutputStream(), problem);
    }
}
