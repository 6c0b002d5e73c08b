package io.parley.api.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.support.ApiClient.Response;
import io.parley.api.support.ApiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    void groupAndConversationOperationsAreDescribedWithParametersSchemasAndProblems() {
        JsonNode spec = api.get("/api/openapi", null).json();
        JsonNode paths = spec.get("paths");
        Map<String, List<String>> operations = Map.of(
                "/api/conversations", List.of("get"),
                "/api/conversations/{conversationId}/receipts", List.of("get"),
                "/api/conversations/{conversationId}/messages", List.of("get"),
                "/api/groups", List.of("post"),
                "/api/groups/{conversationId}", List.of("get", "patch"),
                "/api/groups/{conversationId}/members", List.of("post"),
                "/api/groups/{conversationId}/members/{userId}", List.of("delete"),
                "/api/groups/{conversationId}/members/{userId}/role", List.of("put"),
                "/api/groups/{conversationId}/leave", List.of("post"));
        operations.forEach((path, methods) -> {
            assertThat(paths.has(path)).as(path).isTrue();
            for (String method : methods) {
                JsonNode operation = paths.get(path).get(method);
                assertThat(operation).as(method + " " + path).isNotNull();
                assertThat(operation.get("summary").asString()).as(method + " " + path).isNotBlank();
                // every error answer is described as a problem detail, including the 401 of a missing token
                assertThat(operation.at("/responses/401/content/application~1problem+json/schema/$ref").asString())
                        .as(method + " " + path).isEqualTo("#/components/schemas/Problem");
                operation.get("responses").properties().forEach(response -> {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        assertThat(response.getValue().get("content").propertyNames())
                                .as(method + " " + path + " " + response.getKey()).containsExactly("application/problem+json");
                    }
                });
                if (path.contains("{conversationId}")) {
                    assertThat(parameterNames(operation)).as(method + " " + path).contains("conversationId");
                    assertThat(operation.at("/responses/404").isMissingNode()).as(method + " " + path).isFalse();
                }
            }
        });

        JsonNode list = paths.at("/~1api~1conversations/get");
        assertThat(parameterNames(list)).containsExactlyInAnyOrder("limit", "cursor");
        assertThat(list.at("/responses/200/content").toString()).contains("#/components/schemas/ConversationList");
        assertThat(list.at("/responses/400").isMissingNode()).isFalse();
        JsonNode receipts = paths.at("/~1api~1conversations~1{conversationId}~1receipts/get");
        assertThat(parameterNames(receipts)).containsExactlyInAnyOrder("conversationId", "seq");
        assertThat(receipts.at("/responses/200/content").toString()).contains("#/components/schemas/Receipts");
        assertThat(receipts.at("/responses/400").isMissingNode()).isFalse();
        JsonNode schemas = spec.at("/components/schemas");
        assertThat(schemas.at("/ConversationSummary/properties").propertyNames()).contains("conversationId", "kind",
                "name", "peer", "removed", "lastSeq", "lastActivityAt", "readSeq", "unreadCount", "lastMessage");
        assertThat(schemas.at("/MessageReceipts/properties").propertyNames())
                .contains("seq", "senderId", "recipientCount", "deliveredCount", "readCount");
        assertThat(schemas.at("/Problem/properties").propertyNames()).contains("status", "detail", "errors");
        // the key set needs no token, so no 401 is invented for it
        assertThat(paths.at("/~1api~1auth~1jwks/get/responses/401").isMissingNode()).isTrue();
    }

    private static List<String> parameterNames(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation.path("parameters").forEach(p -> names.add(p.get("name").asString()));
        return names;
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
