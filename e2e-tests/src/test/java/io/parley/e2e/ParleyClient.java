package io.parley.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST side of a client: everything goes through the gateway, as the README says. */
final class ParleyClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Response(int status, JsonNode body) {
    }

    record Session(String userId, String token) {
    }

    private final HttpClient http;
    private final String gatewayUrl;

    ParleyClient(HttpClient http, String gatewayUrl) {
        this.http = http;
        this.gatewayUrl = gatewayUrl;
    }

    Response signUp(String username, String password, String displayName) {
        return post("/api/users", Map.of("username", username, "password", password, "displayName", displayName), null);
    }

    Session login(String username, String password) {
        Response response = post("/api/auth/login", Map.of("username", username, "password", password), null);
        if (response.status() != 200) {
            throw new AssertionError("login failed: " + response);
        }
        return new Session(response.body().get("userId").asString(), response.body().get("accessToken").asString());
    }

    Session signUpAndLogin(String username, String displayName) {
        Response created = signUp(username, "correct horse battery", displayName);
        if (created.status() != 201) {
            throw new AssertionError("sign-up failed: " + created);
        }
        return login(username, "correct horse battery");
    }

    Response history(Session session, String conversationId, String query) {
        return get("/api/conversations/" + conversationId + "/messages" + (query.isEmpty() ? "" : "?" + query), session.token());
    }

    Response chatServer(Session session) {
        return get("/api/discovery/chat-server", session.token());
    }

    Response get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayUrl + path)).GET();
        return send(request, token);
    }

    Response post(String path, Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(request, token);
    }

    Response put(String path, Object body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return send(request, token);
    }

    Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(gatewayUrl + path)).DELETE(), token);
    }

    private Response send(HttpRequest.Builder request, String token) {
        request.timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
