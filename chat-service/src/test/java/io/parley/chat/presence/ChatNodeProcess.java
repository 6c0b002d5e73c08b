package io.parley.chat.presence;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat node in its own JVM, from the module's Spring Boot jar (built by {@code package}, before
 * failsafe runs), so a test can kill it with SIGKILL like an operator's {@code kill -9}. It trusts
 * {@link TestJwt}'s key through a small JWKS server in the test JVM. Public for benchmarks in other
 * packages that want each node's CPU and heap apart from their clients'.
 *
 * <p>A killed node can be started again with the same node id (a new process on a new port, like a
 * replaced pod): it then reads the same delivery topic in the same consumer group. Every life of a
 * node id logs to the same file, {@code target/chat-node-<nodeId>.log}, one after the other.
 */
public final class ChatNodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The registry credentials the node is started with; /internal/node answers only to them. */
    private static final String REGISTRY_PASSWORD = "it-registry-secret";

    private final String nodeId;
    private final Process process;
    private final HttpServer jwks;
    private final int port;

    private ChatNodeProcess(String nodeId, Process process, HttpServer jwks, int port) {
        this.nodeId = nodeId;
        this.process = process;
        this.jwks = jwks;
        this.port = port;
    }

    /** Starts the node and waits until it answers {@code /internal/node}. */
    public static ChatNodeProcess start(String nodeId, String... properties) throws Exception {
        File jar = bootJar();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = TestJwt.jwks().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        int port = freePort();
        var kafka = RealInfrastructure.kafka();
        var cassandra = RealInfrastructure.cassandra();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.getAbsolutePath(),
                "--server.port=" + port,
                "--parley.chat.node-id=" + nodeId,
                "--eureka.client.enabled=false",
                "--parley.registry.password=" + REGISTRY_PASSWORD,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cassandra.contact-points=" + cassandra.contactPoint(),
                "--spring.cassandra.local-datacenter=" + cassandra.localDatacenter(),
                "--spring.cassandra.keyspace-name=" + cassandra.keyspace(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:"
                        + jwks.getAddress().getPort() + "/jwks"));
        for (String property : properties) {
            command.add("--" + property);
        }
        Path log = Path.of("target", "chat-node-" + nodeId + ".log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, System.lineSeparator() + "=== " + Instant.now() + " test starts chat node " + nodeId
                + " ===" + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // Appended: a restarted node id must not wipe the log of the life that was killed.
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ChatNodeProcess node = new ChatNodeProcess(nodeId, process, jwks, port);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("chat node " + nodeId + " exited " + process.exitValue() + "; see " + log);
                }
                return node.answers();
            });
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    public String nodeId() {
        return nodeId;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child JVM's process id (to read its CPU time). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL (Process.destroyForcibly on Unix), then waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public String toString() {
        return nodeId + "[pid " + process.pid() + ", port " + port + (process.isAlive() ? "" : ", dead") + "]";
    }

    @Override
    public void close() {
        process.destroyForcibly();
        jwks.stop(0);
    }

    private boolean answers() {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/node"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            ("parley:" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static File bootJar() {
        File[] jars = new File("target").listFiles((dir, name) ->
                name.startsWith("parley-chat-service-") && name.endsWith(".jar") && !name.contains("original"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no chat-service jar in target/: run through mvn verify (package runs first)");
        }
        return jars[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
