package io.parley.kafkaserver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one real Kafka broker (KRaft; this JVM is broker and controller) bound to 127.0.0.1.
 *
 * <p>Usage: {@code KafkaServerMain --data-dir=<dir> --port=<client port> --controller-port=<port> [--parent-pid=<pid>]}.
 * The data dir keeps {@code server.properties} and the log dir, so a second start with the same
 * dir finds its topics again. Stop it with SIGTERM: Kafka's own shutdown hook closes the logs.
 *
 * <p>This is for development and tests only: one replica of everything, plaintext, no auth.
 */
public final class KafkaServerMain {

    /**
     * Every local broker uses the same cluster id, so formatting needs no extra JVM to generate
     * one (a 16-byte UUID, base64url without padding, as {@code kafka-storage random-uuid} prints).
     */
    static final String CLUSTER_ID = "cGFybGV5LWxvY2FsLWthZg";

    private KafkaServerMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = parseOptions(args);
        Path dataDir = Path.of(required(options, "data-dir")).toAbsolutePath();
        int port = Integer.parseInt(required(options, "port"));
        int controllerPort = Integer.parseInt(required(options, "controller-port"));

        exitWithParent(options.get("parent-pid"));

        Path logDir = dataDir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        Path propertiesFile = dataDir.resolve("server.properties");
        Files.writeString(propertiesFile, serverProperties(logDir, port, controllerPort));

        // KRaft refuses to start on an unformatted log dir; format exactly once.
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            int exit = kafka.tools.StorageTool.execute(new String[] {
                    "format", "-t", CLUSTER_ID, "-c", propertiesFile.toString(), "--ignore-formatted"},
                    new PrintStream(System.out, true));
            if (exit != 0) {
                System.err.println("Formatting the Kafka log dir " + logDir + " failed (exit " + exit + ")");
                System.exit(exit);
            }
        }
        // Blocks until the broker stops (SIGTERM runs Kafka's shutdown hook).
        kafka.Kafka.main(new String[] {propertiesFile.toString()});
    }

    /** Broker settings for a single node. No trailing comments: Kafka's parser keeps them in values. */
    static String serverProperties(Path logDir, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logDir.toString().replace('\\', '/'),
                // One node: every internal topic has exactly one replica.
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // Fewer internal partitions than the defaults (50): creating them is most of the
                // first consumer group's join time on a small machine.
                "offsets.topic.num.partitions=6",
                "transaction.state.log.num.partitions=6",
                // Topics a service does not declare get several partitions, so two chat nodes in
                // one consumer group both get work.
                "num.partitions=6",
                "auto.create.topics.enable=true",
                // Tests and the local run join groups often; waiting for more members only slows them.
                "group.initial.rebalance.delay.ms=0",
                "")
                + "\n";
    }

    /**
     * With {@code --parent-pid=<pid>}, this server stops (normally, through its shutdown hooks) when
     * the process that launched it ends, even if that process was killed with SIGKILL and never ran
     * its own clean-up: no orphaned servers holding ports and memory after a crashed test run.
     */
    private static void exitWithParent(String parentPid) {
        if (parentPid == null || parentPid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parentPid)).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> {
                    System.err.println("Parent process " + parentPid + " ended; stopping");
                    System.exit(0);
                }),
                () -> System.exit(0));
    }

    static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("Expected --name=value, got: " + arg
                        + "\nUsage: KafkaServerMain --data-dir=<dir> --port=<port> --controller-port=<port> [--parent-pid=<pid>]");
            }
            int eq = arg.indexOf('=');
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing --" + name
                    + "=…\nUsage: KafkaServerMain --data-dir=<dir> --port=<port> --controller-port=<port> [--parent-pid=<pid>]");
        }
        return value;
    }
}
