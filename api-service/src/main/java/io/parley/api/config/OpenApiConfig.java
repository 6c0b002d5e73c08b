package io.parley.api.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description, generated from the controllers and served at {@code /api/openapi}
 * (Swagger UI at {@code /api/docs}), both under {@code /api/**} so they work through the gateway.
 * Every operation needs a bearer token unless it says otherwise ({@code @SecurityRequirements}).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static final String BEARER = "bearer";

    @Bean
    OpenAPI parleyOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Parley REST API")
                        .version("v1")
                        .description("""
                                Accounts, tokens, profiles, conversation lookup and message history. \
                                Sending and live delivery go over the WebSocket protocol (docs/protocol.md). \
                                Ids are 64-bit numbers sent as decimal strings. Errors are RFC 9457 problem \
                                details; 400s list the rejected fields in `errors`.""")
                        .license(new License().name("Apache-2.0")))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("Access token from POST /api/auth/login")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
