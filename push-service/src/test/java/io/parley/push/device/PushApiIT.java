package io.parley.push.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.push.support.PushIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The REST of push-service: devices and mutes, owner-only, and bad input that changes nothing. */
class PushApiIT extends PushIntegrationTest {

    @Test
    void registerListReplaceAndRemoveDevices() throws Exception {
        long bob = user("Bob");
        registerDevice(bob, "phone-1", "android", "token-a");
        registerDevice(bob, "laptop", "web", "token-b");
        registerDevice(bob, "phone-1", "android", "token-a2"); // FCM rotated the token

        JsonNode devices = call("GET", "/api/push/devices", bob, null).body();
        assertThat(devices).hasSize(2);
        Map<String, String> tokens = new HashMap<>();
        devices.forEach(d -> tokens.put(d.path("deviceId").asString(), d.path("token").asString()));
        assertThat(tokens).isEqualTo(Map.of("phone-1", "token-a2", "laptop", "token-b"));

        assertThat(call("DELETE", "/api/push/devices/laptop", bob, null).status()).isEqualTo(204);
        assertThat(call("GET", "/api/push/devices", bob, null).body()).hasSize(1);
        assertThat(call("DELETE", "/api/push/devices/laptop", bob, null).status()).isEqualTo(404);
    }

    @Test
    void onlyTheOwnerSeesAndRemovesTheirDevices() throws Exception {
        long alice = user("Alice");
        long mallory = user("Mallory");
        registerDevice(alice, "phone", "ios", "alice-secret-token");

        assertThat(call("GET", "/api/push/devices", mallory, null).body()).isEmpty();
        Response removal = call("DELETE", "/api/push/devices/phone", mallory, null);
        assertThat(removal.status()).isEqualTo(404);
        assertThat(call("GET", "/api/push/devices", alice, null).body()).hasSize(1);
    }

    @Test
    void badDeviceInputIsRejectedNamingTheFieldAndChangesNothing() throws Exception {
        long bob = user("Bob");
        registerDevice(bob, "phone", "android", "good-token");

        assertBadRequest(call("PUT", "/api/push/devices/phone", bob, Map.of("platform", "blackberry", "token", "t")), "platform");
        assertBadRequest(call("PUT", "/api/push/devices/phone", bob, Map.of("platform", "android", "token", "")), "token");
        assertBadRequest(call("PUT", "/api/push/devices/phone", bob, Map.of("platform", "android", "token", "x".repeat(4097))), "token");
        assertBadRequest(call("PUT", "/api/push/devices/phone", bob, Map.of("platform", "android")), "token");
        assertBadRequest(call("PUT", "/api/push/devices/bad%20id", bob, Map.of("platform", "android", "token", "t")), "deviceId");
        assertBadRequest(call("PUT", "/api/push/devices/" + "d".repeat(65), bob, Map.of("platform", "android", "token", "t")), "deviceId");
        assertThat(call("PUT", "/api/push/devices/phone", bob, "{not json").status()).isEqualTo(400);

        JsonNode devices = call("GET", "/api/push/devices", bob, null).body();
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).path("token").asString()).isEqualTo("good-token");
        // The largest allowed token is fine.
        registerDevice(bob, "phone", "android", "y".repeat(4096));
    }

    @Test
    void muteListAndUnmute() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long timed = conversation(alice, bob);
        long forever = conversation(alice, bob);
        Instant until = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Map<String, Object> nullUntil = new HashMap<>();
        nullUntil.put("until", null);

        assertThat(call("PUT", "/api/push/mutes/" + timed, bob, Map.of("until", until.toString())).status()).isEqualTo(200);
        assertThat(call("PUT", "/api/push/mutes/" + forever, bob, nullUntil).status()).isEqualTo(200);

        Map<String, JsonNode> mutes = new HashMap<>();
        call("GET", "/api/push/mutes", bob, null).body().forEach(m -> mutes.put(m.path("conversationId").asString(), m.path("until")));
        assertThat(mutes).containsOnlyKeys(Long.toString(timed), Long.toString(forever));
        assertThat(Instant.parse(mutes.get(Long.toString(timed)).asString())).isEqualTo(until);
        assertThat(mutes.get(Long.toString(forever)).isNull()).isTrue();
        // The other member's settings are their own.
        assertThat(call("GET", "/api/push/mutes", alice, null).body()).isEmpty();

        assertThat(call("DELETE", "/api/push/mutes/" + timed, bob, null).status()).isEqualTo(204);
        assertThat(call("GET", "/api/push/mutes", bob, null).body()).hasSize(1);
    }

    @Test
    void mutingAConversationOneIsNotInIsNotFoundAndChangesNothing() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long stranger = user("Mallory");
        long conversation = conversation(alice, bob);

        Response response = call("PUT", "/api/push/mutes/" + conversation, stranger, Map.of("until", Instant.now().plusSeconds(60).toString()));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().path("detail").asString()).contains(Long.toString(conversation));
        assertThat(call("GET", "/api/push/mutes", stranger, null).body()).isEmpty();
        assertThat(call("DELETE", "/api/push/mutes/" + conversation, stranger, null).status()).isEqualTo(404);
    }

    @Test
    void badMuteInputIsRejectedNamingTheField() throws Exception {
        long alice = user("Alice");
        long bob = user("Bob");
        long conversation = conversation(alice, bob);

        assertBadRequest(call("PUT", "/api/push/mutes/" + conversation, bob, Map.of("until", Instant.now().minusSeconds(5).toString())), "until");
        assertBadRequest(call("PUT", "/api/push/mutes/" + conversation, bob, Map.of("until", "2200-01-01T00:00:00Z")), "until");
        assertThat(call("PUT", "/api/push/mutes/" + conversation, bob, Map.of("until", "tomorrow")).status()).isEqualTo(400);
        assertBadRequest(call("PUT", "/api/push/mutes/not-a-number", bob, Map.of()), "conversationId");
        assertThat(call("GET", "/api/push/mutes", bob, null).body()).isEmpty();
    }

    @Test
    void everyEndpointNeedsAValidToken() throws Exception {
        HttpResponse<String> response = anonymous("GET", "/api/push/devices");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(anonymous("GET", "/api/push/mutes").statusCode()).isEqualTo(401);
        assertThat(anonymous("GET", "/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void healthSaysWhichSinkIsUsedToTheServicePlaneOnly() throws Exception {
        JsonNode health = JSON.readTree(asService("GET", "/actuator/health", REGISTRY_PASSWORD).body());
        assertThat(health.path("components").path("push").path("details").path("sink").asString()).isEqualTo("fcm");

        JsonNode anonymousHealth = JSON.readTree(anonymous("GET", "/actuator/health").body());
        assertThat(anonymousHealth.path("status").asString()).isEqualTo("UP");
        assertThat(anonymousHealth.has("components")).isFalse();
        assertThat(JSON.readTree(asService("GET", "/actuator/health", "wrong").body()).has("components")).isFalse();
        assertThat(anonymous("GET", "/actuator/info").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/info", 42L, null).status()).isEqualTo(401);
    }

    @Test
    void theOpenApiDescriptionIsPublicAndDescribesEveryDeviceAndMuteOperation() throws Exception {
        HttpResponse<String> response = anonymous("GET", "/api/push/openapi");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode api = JSON.readTree(response.body());
        JsonNode paths = api.path("paths");
        Map<String, List<String>> expected = Map.of(
                "/api/push/devices", List.of("get"),
                "/api/push/devices/{deviceId}", List.of("put", "delete"),
                "/api/push/mutes", List.of("get"),
                "/api/push/mutes/{conversationId}", List.of("put", "delete"));
        assertThat(paths.propertyNames()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((path, methods) -> {
            for (String method : methods) {
                JsonNode operation = paths.path(path).path(method);
                assertThat(operation.path("summary").asString()).as("summary of %s %s", method, path).isNotBlank();
                assertThat(operation.path("responses").path("401").path("$ref").asString())
                        .as("401 of %s %s", method, path).isEqualTo("#/components/responses/Unauthorized");
            }
        });
        // Writes that validate input document the 400 that names the field; lookups of ids the 404.
        for (String path : List.of("/api/push/devices/{deviceId}", "/api/push/mutes/{conversationId}")) {
            assertThat(paths.path(path).path("put").path("responses").path("400").path("$ref").asString())
                    .isEqualTo("#/components/responses/BadRequest");
            assertThat(paths.path(path).path("delete").path("responses").path("404").path("$ref").asString())
                    .isEqualTo("#/components/responses/NotFound");
        }
        assertThat(paths.path("/api/push/mutes/{conversationId}").path("put").path("responses").path("404")
                .path("$ref").asString()).isEqualTo("#/components/responses/NotFound");

        JsonNode components = api.path("components");
        assertThat(components.path("securitySchemes").path("bearer").path("scheme").asString()).isEqualTo("bearer");
        assertThat(api.path("security").get(0).has("bearer")).isTrue();
        assertThat(components.path("responses").path("BadRequest").path("content")
                .path("application/problem+json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(components.path("schemas").path("Problem").path("properties").path("errors").path("items")
                .path("$ref").asString()).isEqualTo("#/components/schemas/FieldError");
        assertThat(components.path("schemas").path("FieldError").path("properties").has("field")).isTrue();

        assertThat(anonymous("GET", "/api/push/docs").statusCode()).isIn(200, 302);
    }

    /** Issue 9: every request string is valid Unicode; otherwise a 400 naming the field, typed as docs/api.md lists. */
    @Test
    void aTokenOrPlatformThatIsNotValidUnicodeIsA400NamingTheFieldAndStoresNothing() throws Exception {
        long user = 7_000_000_000L + (System.nanoTime() & 0xFFFFFFL);
        Response token = call("PUT", "/api/push/devices/phone-1", user, "{\"platform\":\"android\",\"token\":\"tok\\udc00en\"}");
        assertBadRequest(token, "token");
        assertThat(token.body().path("type").asString()).isEqualTo("urn:parley:problem:invalid-request");
        assertBadRequest(call("PUT", "/api/push/devices/phone-1", user, "{\"platform\":\"\\ud800\",\"token\":\"t\"}"), "platform");
        assertThat(call("GET", "/api/push/devices", user, null).body()).isEmpty();
        assertThat(anonymous("GET", "/api/push/devices").body()).contains("\"type\":\"urn:parley:problem:unauthenticated\"");
    }

    private static void assertBadRequest(Response response, String field) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(400);
        assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
    }
}
