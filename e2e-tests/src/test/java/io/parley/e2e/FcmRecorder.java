package io.parley.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for Firebase Cloud Messaging's HTTP v1 endpoint
 * ({@code POST /v1/projects/{project}/messages:send}) that push-service's real firebase-admin SDK
 * talks to on the local system ({@code parley.push.fcm.emulator-host}): records every message and
 * accepts it, as FCM does for a valid token.
 */
final class FcmRecorder implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    FcmRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/projects/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                messages.add(JSON.readTree(in.readAllBytes()).path("message"));
                String project = exchange.getRequestURI().getPath().split("/")[3];
                byte[] body = ("{\"name\":\"projects/" + project + "/messages/0:" + ids.incrementAndGet() + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The messages FCM accepted for this device token, oldest first. */
    List<JsonNode> sentTo(String token) {
        return messages.stream().filter(m -> m.path("token").asString().equals(token)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
