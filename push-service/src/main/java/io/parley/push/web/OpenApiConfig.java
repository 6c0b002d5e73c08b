package io.parley.push.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
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
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description of push-service, generated from the controllers and served at
 * {@code /api/push/openapi} (Swagger UI at {@code /api/push/docs}): under {@code /api/push/**}, so
 * the gateway's existing route reaches them. Every operation needs a bearer token; the error
 * answers are described once here as problem details ({@link #BAD_REQUEST}, {@link #NOT_FOUND}) and
 * referenced by the controllers, and the 401 is added to every operation, because Spring Security
 * answers it before any controller runs.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    /** Reference for {@code @ApiResponse(ref = …)}: a 400 whose {@code errors} names the field. */
    public static final String BAD_REQUEST = "#/components/responses/BadRequest";
    public static final String NOT_FOUND = "#/components/responses/NotFound";
    static final String UNAUTHORIZED = "#/components/responses/Unauthorized";

    @Bean
    OpenAPI pushOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Parley push-service API")
                        .version("v1")
                        .description("""
                                Device push tokens and conversation mutes of the caller (the token's `sub`). \
                                Notifications themselves are sent by push-service to offline members through \
                                Firebase Cloud Messaging; see push-service/README.md. Errors are RFC 9457 \
                                problem details (`application/problem+json`); a 400 lists the rejected fields \
                                in `errors` and changes nothing.""")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("Access token from api-service: POST /api/auth/login"))
                        .addSchemas("FieldError", new ObjectSchema()
                                .description("One rejected field of a 400")
                                .addProperty("field", new StringSchema().example("token"))
                                .addProperty("message", new StringSchema().example("must not be empty")))
                        .addSchemas(PROBLEM, new ObjectSchema()
                                .description("RFC 9457 problem detail")
                                .addProperty("type", new StringSchema().example("urn:parley:problem:invalid-request"))
                                .addProperty("title", new StringSchema().example("Bad Request"))
                                .addProperty("status", new IntegerSchema().example(400))
                                .addProperty("detail", new StringSchema().example("Invalid request: check token."))
                                .addProperty("instance", new StringSchema().example("/api/push/devices/phone"))
                                .addProperty("errors", new ArraySchema()
                                        .items(new Schema<>().$ref("#/components/schemas/FieldError"))
                                        .description("400 only: the fields that were rejected")))
                        .addResponses("BadRequest", problem("Invalid input; `errors` names each rejected field. Nothing was changed."))
                        .addResponses("Unauthorized", problem("No bearer token, or it is invalid or expired"))
                        .addResponses("NotFound", problem("Not among the caller's (another user's ids do not exist for you)")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** Every operation needs a token, so every one may answer 401. */
    @Bean
    OpenApiCustomizer unauthorizedOnEveryOperation() {
        return openApi -> openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation ->
                operation.getResponses().addApiResponse("401", new ApiResponse().$ref(UNAUTHORIZED))));
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }
}
