package io.parley.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST calls a client makes, all through the gateway (docs/api.md). */
final class RestClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 5;

    /** A logged-in user. */
    /** A logged-in user; {@code tokenSeconds} is how long its access token lives (login's {@code expiresIn}). */
    record User(String username, String userId, String token, long tokenSeconds) {
    }

    /** Where discovery sends a user: the node's id and its WebSocket URL. */
    record ChatServer(String nodeId, String url) {
    }

    private record Response(int status, JsonNode body, String raw) {
    }

    private final HttpClient http;
    private final String gateway;

    RestClient(HttpClient http, String gateway) {
        this.http = http;
        this.gateway = gateway;
    }

    /**
     * Signs the user up, or reuses the account when the name is taken (a rerun with the same
     * prefix), and logs in.
     *
     * @return the user, and whether the account was created now
     */
    Map.Entry<User, Boolean> signUpOrReuse(String username, String password) {
        // Log in first: a rerun reuses every user, and each call costs api-service a bcrypt.
        Response login = login(username, password);
        boolean isNew = false;
        if (login.status() == 401) {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("username", username);
            body.put("password", password);
            body.put("displayName", "Load " + username);
            Response created = call("POST", "/api/users", body, null, null);
            isNew = created.status() == 201;
            if (!isNew) {
                throw new IllegalStateException("sign-up of " + username + " answered " + created.status() + ": "
                        + created.raw() + (created.status() == 409
                        ? " (the name is taken with another password: use another --prefix, --fresh or --password)" : ""));
            }
            login = login(username, password);
        }
        if (login.status() != 200) {
            throw new IllegalStateException("login of " + username + " answered " + login.status() + ": " + login.raw());
        }
        User user = new User(username, login.body().get("userId").asString(), login.body().get("accessToken").asString(),
                login.body().get("expiresIn").asLong());
        return Map.entry(user, isNew);
    }

    private Response login(String username, String password) {
        return call("POST", "/api/auth/login", Map.of("username", username, "password", password), null, null);
    }

    /** {@code GET /api/discovery/chat-server}: the chat node this user should connect to. */
    ChatServer chatServer(User user) {
        Response r = call("GET", "/api/discovery/chat-server", null, user.token(), null);
        if (r.status() != 200) {
            throw new IllegalStateException("discovery answered " + r.status() + ": " + r.raw());
        }
        return new ChatServer(r.body().path("nodeId").asString(null), r.body().get("url").asString());
    }

    /** {@code POST /api/groups}: a group owned by {@code owner} with the other members; its conversation id. */
    String createGroup(User owner, String name, List<User> others) {
        List<String> ids = new ArrayList<>();
        others.forEach(u -> ids.add(u.userId()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("memberIds", ids);
        Response r = call("POST", "/api/groups", body, owner.token(), UUID.randomUUID().toString());
        if (r.status() != 201 && r.status() != 200 && r.status() != 202) {
            throw new IllegalStateException("group creation answered " + r.status() + ": " + r.raw());
        }
        return r.body().get("conversationId").asString();
    }

    /** One call, retried on 503, 409 of a running idempotent request, and connection errors. */
    private Response call(String method, String path, Object body, String token, String idempotencyKey) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                        .timeout(Duration.ofSeconds(30));
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                boolean retryable = response.statusCode() == 503 || response.statusCode() == 502
                        || (response.statusCode() == 409 && idempotencyKey != null);
                if (retryable && attempt < ATTEMPTS) {
                    sleep(attempt);
                    continue;
                }
                String raw = response.body();
                JsonNode json = raw == null || raw.isBlank() ? null : parse(raw);
                return new Response(response.statusCode(), json, raw);
            } catch (IOException e) {
                last = new IllegalStateException(method + " " + gateway + path + " failed: " + e, e);
                sleep(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw last;
    }

    private static JsonNode parse(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(250L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
