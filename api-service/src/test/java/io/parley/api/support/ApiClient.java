package io.parley.api.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for the running service: real requests over a socket, so the security
 * filter chain, message converters and error handling are all exercised as clients see them.
 */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    public ApiClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    public record Response(int status, java.net.http.HttpHeaders headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response post(String path, Object body, String token) {
        return sendJson("POST", path, toJson(body), token);
    }

    public Response patch(String path, Object body, String token) {
        return sendJson("PATCH", path, toJson(body), token);
    }

    public Response put(String path, Object body, String token) {
        return sendJson("PUT", path, toJson(body), token);
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response sendJson(String method, String path, String rawBody, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(rawBody)));
    }

    /** Any method with this raw body text (null: none) and headers, sent as given (fuzzing sends odd ones). */
    public Response sendRaw(String method, String path, String rawBody, String token, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, token);
        headers.forEach(builder::header);
        return send(builder.method(method, rawBody == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(rawBody)));
    }

    /**
     * Any method, with extra headers (e.g. {@code Idempotency-Key}); {@code body} null sends none.
     * Header values are sent as given, so tests can send invalid ones.
     */
    public Response send(String method, String path, Object body, String token, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, token);
        headers.forEach(builder::header);
        if (body == null) {
            return send(builder.method(method, HttpRequest.BodyPublishers.noBody()));
        }
        return send(builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(toJson(body))));
    }

    /** Signs up and logs in a fresh user; returns its id and token. */
    public Session newUser(String usernamePrefix) {
        String username = TestIds.username(usernamePrefix);
        Response signUp = post("/api/users", Map.of("username", username, "password", "password-" + username,
                "displayName", "User " + username), null);
        if (signUp.status() != 201) {
            throw new IllegalStateException("sign-up failed: " + signUp);
        }
        Response login = post("/api/auth/login", Map.of("username", username, "password", "password-" + username), null);
        if (login.status() != 200) {
            throw new IllegalStateException("login failed: " + login);
        }
        return new Session(Long.parseLong(login.json().get("userId").asString()), username,
                login.json().get("accessToken").asString());
    }

    public record Session(long userId, String username, String token) {
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String toJson(Object body) {
        return JSON.writeValueAsString(body);
    }
}
