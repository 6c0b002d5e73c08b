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

        assertThat(response.status()).isIn(200, 302);
    }
}
