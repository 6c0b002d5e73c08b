package io.parley.testsupport.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Starts the real Kafka broker of {@code infra/kafka-server} as a child JVM and waits until a
 * client can use it.
 */
public final class KafkaServerLauncher {

    private static final String MAIN_CLASS = "io.parley.kafkaserver.KafkaServerMain";

    private KafkaServerLauncher() {
    }

    /**
     * @param dataDir Kafka's own directory (log dir and server.properties); kept between starts
     * @param logFile where the broker's stdout and stderr go
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int port, int controllerPort, Path logFile) {
        return start(repoRoot, dataDir, port, controllerPort, logFile, List.of());
    }

    /**
     * As {@link #start(Path, Path, int, int, Path)}; with {@code scramUsers} not empty, the client
     * listener is SASL_PLAINTEXT and accepts only these users (SCRAM-SHA-256 and -512). The users
     * are written when the data dir is formatted, on its first start only. Their passwords reach
     * the broker through its environment, not its command line.
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int port, int controllerPort, Path logFile,
            List<Credentials> scramUsers) {
        return start(repoRoot, dataDir, port, controllerPort, logFile, scramUsers, null);
    }

    /**
     * As {@link #start(Path, Path, int, int, Path, List)}; with {@code tls} (and SCRAM users) the
     * client listener is SASL_SSL, serving {@code tls}'s certificate for 127.0.0.1.
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int port, int controllerPort, Path logFile,
            List<Credentials> scramUsers, TestCertificates tls) {
        if (tls != null && scramUsers.isEmpty()) {
            throw new IllegalArgumentException("The test broker serves TLS only on its SCRAM listener: name its users");
        }
        ServerModule module = ServerModule.of(repoRoot, "infra/kafka-server");
        List<String> command = new ArrayList<>(List.of(
                Jdks.current().toString(),
                "-Xms128m", "-Xmx512m",
                // A serial collector: the broker's heap is small, and 2 cores run several JVMs.
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true"));
        command.addAll(Compilation.flags());
        command.addAll(List.of(
                "-cp", module.classpathString(),
                MAIN_CLASS,
                "--data-dir=" + dataDir.toAbsolutePath(),
                "--port=" + port,
                "--controller-port=" + controllerPort,
                "--sasl-scram=" + !scramUsers.isEmpty()));
        Map<String, String> environment = new HashMap<>();
        if (!scramUsers.isEmpty()) {
            environment.put("KAFKA_SERVER_SCRAM_USERS", scramUsers.stream()
                    .map(user -> user.username() + "=" + user.password()).collect(Collectors.joining("\n")));
        }
        if (tls != null) {
            command.add("--tls-keystore=" + tls.keyStore().toAbsolutePath());
            command.add("--tls-truststore=" + tls.trustStore().toAbsolutePath());
            environment.put("KAFKA_SERVER_TLS_PASSWORD", tls.password());
        }
        command.add("--parent-pid=" + ProcessHandle.current().pid());
        return ServerProcess.start("kafka", command, environment, dataDir, logFile);
    }

    /** Waits until the broker answers a metadata request (describeCluster names a node). */
    public static void awaitReady(ServerProcess kafka, String bootstrapServers, Duration timeout) {
        awaitReady(kafka, bootstrapServers, Map.of(), timeout);
    }

    /**
     * As {@link #awaitReady(ServerProcess, String, Duration)}, the admin client logging in with
     * {@code clientSecurity} (e.g. {@link Credentials#kafkaScramClientProperties}).
     */
    public static void awaitReady(ServerProcess kafka, String bootstrapServers, Map<String, Object> clientSecurity,
            Duration timeout) {
        // Wait for the port first: an admin client started earlier logs a warning per retry.
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        Readiness.await(kafka, "Kafka's port " + port + " to listen", timeout, () -> Ports.isListening(port));
        Map<String, Object> config = new HashMap<>(clientSecurity);
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        try (Admin admin = Admin.create(config)) {
            Readiness.await(kafka, "Kafka at " + bootstrapServers + " to answer", timeout, () -> {
                try {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
