package io.parley.push.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local stand-in for {@code fcm.googleapis.com}: answers FCM HTTP v1 {@code messages:send}
 * requests and records every one. By default it accepts each message; {@link #answerNext} scripts
 * failures for one token (404 UNREGISTERED, 503, 429 with Retry-After, ...). One per test JVM,
 * shared by every Spring context (tests use their own tokens, so they never see each other's requests).
 */
public final class FakeFcm {

    /** One recorded request: the token it was for, the {@code message} object, and what was answered. */
    public record Request(String token, JsonNode message, String authorization, int status) {
    }

    private record Answer(int status, String body, String retryAfter) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile FakeFcm shared;

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripted = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private FakeFcm() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-fcm");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static synchronized FakeFcm shared() {
        if (shared == null) {
            try {
                shared = new FakeFcm();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request made for the token, in order, whatever was answered. */
    public List<Request> requestsFor(String token) {
        return requests.stream().filter(r -> token.equals(r.token())).toList();
    }

    /** The requests for the token that were accepted (answered 200): what reached the device. */
    public List<Request> deliveredTo(String token) {
        return requestsFor(token).stream().filter(r -> r.status() == 200).toList();
    }

    public void answerNext(String token, int status, String fcmErrorCode, String retryAfter) {
        String grpcStatus = switch (status) {
            case 404 -> "NOT_FOUND";
            case 400 -> "INVALID_ARGUMENT";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
        String details = fcmErrorCode == null ? "" : ",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + fcmErrorCode + "\"}]";
        String body = "{\"error\":{\"code\":" + status + ",\"message\":\"scripted " + status + "\",\"status\":\"" + grpcStatus + "\"" + details + "}}";
        scripted.computeIfAbsent(token, t -> new ArrayDeque<>()).add(new Answer(status, body, retryAfter));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw;
            try (InputStream in = exchange.getRequestBody()) {
                raw = in.readAllBytes();
            }
            JsonNode message = JSON.readTree(raw).path("message");
            String token = message.path("token").asString();
            Deque<Answer> queue = scripted.get(token);
            Answer answer = queue == null ? null : queue.poll();
            if (answer == null) {
                String project = exchange.getRequestURI().getPath().split("/")[3];
                answer = new Answer(200, "{\"name\":\"projects/" + project + "/messages/0:" + ids.incrementAndGet() + "\"}", null);
            }
            requests.add(new Request(token, message, exchange.getRequestHeaders().getFirst("Authorization"), answer.status()));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
