package io.parley.discovery.config;

import io.parley.common.registry.RegistryCredentials;
import io.parley.common.security.BearerJwtSecurity.PublicPaths;
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
 * Two filter chains, because this process serves two audiences.
 *
 * <ul>
 *   <li>{@code /api/**}: end users, through the gateway. The chain every service shares (common's
 *       {@link BearerJwtSecurity}) with no public path: every request needs a valid JWT from
 *       api-service's JWKS; anything else gets a 401 problem detail.</li>
 *   <li>Everything else: the service plane. The Eureka REST API ({@code /eureka/**}: registration,
 *       renewal, status changes, deregistration, registry reads), the dashboard, {@code /internal/**}
 *       and actuator need the registry credentials (HTTP basic, {@link ServicePlaneSecurity}): an
 *       open registry lets anyone register a fake chat node, push-service or api-service and
 *       receive users' tokens and passwords. Only the bare health status is public, for probes.</li>
 * </ul>
 *
 * Keeping them apart means the resource server never looks at Eureka traffic, and a user's bearer
 * token opens nothing on the service plane.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** What a client without a valid token is told here: it talks to discovery, but logs in at api-service. */
    private static final String TOKEN_REQUIRED_DETAIL =
            "A valid bearer token is required; log in to api-service to get one.";

    /**
     * The registry credentials. Without a password the registry would be either open or unusable,
     * so discovery-service refuses to start.
     */
    @Bean
    RegistryCredentials registryCredentials(Environment environment) {
        RegistryCredentials credentials = RegistryCredentials.from(environment);
        if (!credentials.configured()) {
            throw new IllegalStateException("No registry password: set PARLEY_REGISTRY_PASSWORD (property "
                    + RegistryCredentials.PASSWORD_PROPERTY + ") on discovery-service and on every service that "
                    + "registers with it (docs/operations.md, \"Registry credentials\"). ./parley run sets one itself.");
        }
        return credentials;
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
    SecurityFilterChain userApi(HttpSecurity http, JsonMapper jsonMapper) throws Exception {
        var problems = new SecurityProblemResponses(jsonMapper, TOKEN_REQUIRED_DETAIL, TOKEN_REQUIRED_DETAIL);
        http.securityMatcher("/api/**");
        return BearerJwtSecurity.filterChain(http, problems, PublicPaths.none());
    }

    @Bean
    @Order(2)
    SecurityFilterChain servicePlane(HttpSecurity http, RegistryCredentials credentials, JsonMapper jsonMapper)
            throws Exception {
        return ServicePlaneSecurity.filterChain(http, credentials, jsonMapper);
    }
}
