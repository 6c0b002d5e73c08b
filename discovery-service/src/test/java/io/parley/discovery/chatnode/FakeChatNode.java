package io.parley.discovery.chatnode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server playing a chat node: it serves {@code GET /internal/node} with whatever load
 * and draining flag the test sets, exactly as chat-service does.
 */
final class FakeChatNode implements AutoCloseable {

    final String nodeId;
    private final HttpServer server;
    private volatile int connections;
    private volatile boolean draining;

    FakeChatNode(String nodeId, int connections) {
        this.nodeId = nodeId;
        this.connections = connections;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/internal/node", exchange -> {
            // Like chat-service: /internal/node is on the service plane and wants the registry credentials.
            if (!ChatServerDiscoveryIT.REGISTRY_AUTHORIZATION.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Parley service plane\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            byte[] body = ("{\"nodeId\":\"%s\",\"wsUrl\":\"%s\",\"connections\":%d,\"draining\":%b,\"extra\":\"ignored\"}"
                    .formatted(nodeId, wsUrl(), this.connections, this.draining))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port() + "/ws/v1";
    }

    FakeChatNode connections(int connections) {
        this.connections = connections;
        return this;
    }

    FakeChatNode draining(boolean draining) {
        this.draining = draining;
        return this;
    }

    /** Stops answering, as a crashed process would (Eureka still lists it until its lease expires). */
    @Override
    public void close() {
        server.stop(0);
    }
}
