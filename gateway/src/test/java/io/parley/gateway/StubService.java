package io.parley.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for a Parley service behind the gateway. It records every
 * request it receives and answers with a small JSON body naming itself, so a test can tell which
 * service a request reached and exactly what arrived there.
 */
final class StubService implements AutoCloseable {

    /** {@code forwardedFor}: every X-Forwarded-For value that arrived, comma-joined (null when none). */
    record Received(String method, String path, String query, String authorization, String body, String forwardedFor) {
    }

    private final String name;
    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    StubService(String name) {
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"), body,
                    forwardedFor(exchange.getRequestHeaders().get("X-Forwarded-For"))));
            boolean missing = exchange.getRequestURI().getPath().endsWith("/missing");
            byte[] answer = missing
                    ? "{\"title\":\"Not Found\",\"status\":404}".getBytes(StandardCharsets.UTF_8)
                    : ("{\"service\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", missing ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(missing ? 404 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    private static String forwardedFor(java.util.List<String> values) {
        return values == null ? null : String.join(", ", values);
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The oldest request not yet taken, or null if none arrived. */
    Received poll() {
        return received.poll();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public String toString() {
        return name + "@" + uri();
    }
}
