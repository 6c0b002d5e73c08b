package io.parley.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OpenApiIT extends ApiIntegrationTest {

    @Test
    void openApiDescriptionIsServedUnderApiWithoutAToken() {
        Response response = api.get("/api/openapi", null);

        assertThat(response.status()).isEqualTo(200);
        JsonNode spec = response.json();
        assertThat(spec.get("openapi").asString()).startsWith("3.");
        assertThat(spec.get("paths").propertyNames()).contains(
                "/api/users", "/api/users/me", "/api/users/{id}", "/api/auth/login", "/api/auth/jwks",
                "/api/conversations/direct/{userId}", "/api/conversations/{conversationId}/messages");
        assertThat(spec.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        // sign-up and login must not demand the token they exist to provide
        assertThat(spec.at("/paths/~1api~1auth~1login/post/security").isArray()).isTrue();
        assertThat(spec.at("/paths/~1api~1auth~1login/post/security").isEmpty()).isTrue();
    }

    @Test
    void swaggerUiIsReachableUnderApiDocs() {
        Response response = api.get("/api/docs", null);

        assertThat(response.status()).isEqualTo(302);
        // only /api/** is routed by the gateway, so the UI must stay under it
        String location = java.net.URI.create(response.header("Location")).getPath();
        assertThat(location).startsWith("/api/");
        Response ui = api.get(location, null);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
        Response config = api.get("/api/openapi/swagger-config", null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("url").asString()).isEqualTo("/api/openapi");
    }
}
