package io.parley.api.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
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
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI parleyOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Parley REST API")
                        .version("v1")
                        .description("""
                                Accounts, tokens, profiles, conversations, groups, receipts and message history. \
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

    /**
     * Every error answer is a problem detail (web.ApiExceptionHandler, common's
     * SecurityProblemResponses), so the description says so once here instead of on each
     * annotation: each 4xx/5xx response gets the
     * {@code Problem} schema as {@code application/problem+json}, and each operation that needs a
     * token lists the 401 it answers without one.
     */
    @Bean
    OpenApiCustomizer problemDetailsInOpenApi() {
        return openApi -> {
            openApi.getComponents()
                    .addSchemas("FieldError", new ObjectSchema()
                            .description("A field or parameter that was rejected, and why")
                            .addProperty("field", new StringSchema().example("limit"))
                            .addProperty("message", new StringSchema().example("must be less than or equal to 100")))
                    .addSchemas(PROBLEM, new ObjectSchema()
                            .description("RFC 9457 problem detail")
                            .addProperty("type", new StringSchema().example("urn:parley:problem:invalid-request"))
                            .addProperty("title", new StringSchema().example("Bad Request"))
                            .addProperty("status", new IntegerSchema().example(400))
                            .addProperty("detail", new StringSchema().example("Invalid request: check limit."))
                            .addProperty("instance", new StringSchema().example("/api/conversations"))
                            .addProperty("errors", new ArraySchema()
                                    .items(new Schema<>().$ref("#/components/schemas/FieldError"))
                                    .description("400 only: one entry per rejected field or parameter")));
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(OpenApiConfig::describeProblems));
        };
    }

    private static void describeProblems(Operation operation) {
        ApiResponses responses = operation.getResponses();
        if (responses == null) {
            responses = new ApiResponses();
            operation.setResponses(responses);
        }
        // An operation without its own `security` uses the global bearer requirement.
        boolean needsToken = operation.getSecurity() == null || !operation.getSecurity().isEmpty();
        if (needsToken && !responses.containsKey("401")) {
            responses.addApiResponse("401", new ApiResponse().description("No token, or an invalid or expired one"));
        }
        for (Map.Entry<String, ApiResponse> response : responses.entrySet()) {
            if (isError(response.getKey())) {
                response.getValue().setContent(new Content().addMediaType(PROBLEM_JSON,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
            }
        }
    }

    private static boolean isError(String code) {
        return code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5');
    }
}
