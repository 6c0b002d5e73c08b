package io.parley.push.support;

import static org.awaitility.Awaitility.await;

import io.parley.testsupport.RealInfrastructure;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * push-service in its own JVM, from this module's Spring Boot jar (built by {@code package}, before
 * failsafe runs), on the test's real Kafka and Cassandra, sending through firebase-admin to
 * {@link FakeFcm} in the test JVM ({@code parley.push.fcm.emulator-host}). A test can kill it with
 * SIGKILL as an operator's {@code kill -9} or the OOM killer would. The REST API is not used
 * through it, so it is given a JWKS address that nothing answers (fetched only for a token).
 */
public final class PushServiceProcess implements AutoCloseable {

    /** Exit status of a JVM ended by SIGKILL: 128 + 9. */
    public static final int KILLED_BY_SIGKILL = 137;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private PushServiceProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the service and waits until {@code /actuator/health} is UP.
     *
     * @param properties extra {@code name=value} Spring properties
     */
    public static PushServiceProcess start(String name, FakeFcm fcm, String... properties) throws IOException {
        int port = freePort();
        var kafka = RealInfrastructure.kafka();
        var cassandra = RealInfrastructure.cassandra();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-jar", bootJar().getAbsolutePath(),
                "--server.port=" + port,
                "--eureka.client.enabled=false",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.cassandra.contact-points=" + cassandra.contactPoint(),
                "--spring.cassandra.local-datacenter=" + cassandra.localDatacenter(),
                "--spring.cassandra.keyspace-name=" + cassandra.keyspace(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/unused-jwks",
                "--parley.push.fcm.emulator-host=127.0.0.1:" + fcm.port(),
                // A killed instance's partitions move once its session times out: keep that short.
                "--spring.kafka.consumer.properties.session.timeout.ms=10000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000"));
        for (String property : properties) {
            command.add("--" + property);
        }
        Path log = Path.of("target", "push-service-" + name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PushServiceProcess service = new PushServiceProcess(name, process, log, port);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("push-service " + name + " exited " + process.exitValue() + "; see " + log);
                }
                return service.healthy();
            });
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return service;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** How many times the log says so (e.g. that the consumer got its partitions). */
    public long logLinesContaining(String text) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a line cut mid-write in another charset state; the caller polls again
        }
    }

    /**
     * SIGKILL: {@link Process#destroyForcibly()} on Linux is {@code kill(pid, SIGKILL)}; no shutdown
     * hook, no graceful close of anything. Waits until the process is gone and returns its exit
     * status ({@link #KILLED_BY_SIGKILL} proves it was the signal, not an exit).
     */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("push-service " + name + " (pid " + pid() + ") survived SIGKILL for 30 s");
        }
        return process.exitValue();
    }

    /** SIGTERM (graceful shutdown), SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static File bootJar() {
        File[] jars = new File("target").listFiles((dir, file) ->
                file.startsWith("parley-push-service-") && file.endsWith(".jar") && !file.contains("original"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no push-service jar in target/: run through mvn verify (package runs first)");
        }
        return jars[0];
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
