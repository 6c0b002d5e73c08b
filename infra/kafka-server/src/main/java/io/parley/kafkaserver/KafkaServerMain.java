package io.parley.kafkaserver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one real Kafka broker (KRaft; this JVM is broker and controller) bound to 127.0.0.1.
 *
 * <p>Usage: {@code KafkaServerMain --data-dir=<dir> --port=<client port> --controller-port=<port>
 * [--sasl-scram=true [--tls-keystore=<p12> --tls-truststore=<p12>]] [--parent-pid=<pid>]}.
 * The data dir keeps {@code server.properties} and the log dir, so a second start with the same
 * dir finds its topics again. Stop it with SIGTERM: Kafka's own shutdown hook closes the logs.
 *
 * <p>By default the client listener is PLAINTEXT with no authentication. With
 * {@code --sasl-scram=true} it is SASL_PLAINTEXT and accepts only SCRAM-SHA-256/512 logins: the
 * users (and their passwords) come from the environment variable {@value #SCRAM_USERS_ENV}, one
 * {@code name=password} per line, never from the command line (any local user can read that).
 * KRaft keeps SCRAM credentials in its metadata log, so they are written when the log dir is
 * formatted ({@code --add-scram}): users named on a later start of the same data dir are not
 * added. The broker's own inter-broker login is a user made for it at that time. With
 * {@code --tls-keystore} the SCRAM listener is SASL_SSL (the stores' password in
 * {@value #TLS_PASSWORD_ENV}).
 *
 * <p>This is for development and tests only: one replica of everything, no authorizer
 * (an authenticated user may do anything), and the controller listener stays PLAINTEXT.
 */
public final class KafkaServerMain {

    /**
     * Every local broker uses the same cluster id, so formatting needs no extra JVM to generate
     * one (a 16-byte UUID, base64url without padding, as {@code kafka-storage random-uuid} prints).
     */
    static final String CLUSTER_ID = "cGFybGV5LWxvY2FsLWthZg";

    /** {@code name=password} per line: the SCRAM users of a {@code --sasl-scram=true} broker. */
    static final String SCRAM_USERS_ENV = "KAFKA_SERVER_SCRAM_USERS";

    /** The password of the {@code --tls-keystore} and {@code --tls-truststore} (PKCS12) files. */
    static final String TLS_PASSWORD_ENV = "KAFKA_SERVER_TLS_PASSWORD";

    /** The broker's own login on its SASL listener (inter-broker traffic goes through it). */
    static final String BROKER_USER = "parley-broker";

    private static final List<String> SCRAM_MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    private KafkaServerMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = parseOptions(args);
        Path dataDir = Path.of(required(options, "data-dir")).toAbsolutePath();
        int port = Integer.parseInt(required(options, "port"));
        int controllerPort = Integer.parseInt(required(options, "controller-port"));
        boolean saslScram = Boolean.parseBoolean(options.getOrDefault("sasl-scram", "false"));

        exitWithParent(options.get("parent-pid"));

        Path logDir = dataDir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        Path propertiesFile = dataDir.resolve("server.properties");
        String brokerPassword = saslScram ? brokerPassword(dataDir) : null;
        Tls tls = null;
        if (options.containsKey("tls-keystore")) {
            if (!saslScram) {
                throw new IllegalArgumentException("--tls-keystore needs --sasl-scram=true (the listener is SASL_SSL)");
            }
            tls = new Tls(required(options, "tls-keystore"), required(options, "tls-truststore"),
                    Objects.requireNonNull(System.getenv(TLS_PASSWORD_ENV), TLS_PASSWORD_ENV + " is not set"));
        }
        Files.writeString(propertiesFile, saslScram
                ? saslScramServerProperties(logDir, port, controllerPort, brokerPassword, tls)
                : serverProperties(logDir, port, controllerPort));

        // KRaft refuses to start on an unformatted log dir; format exactly once.
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            List<String> format = new ArrayList<>(List.of(
                    "format", "-t", CLUSTER_ID, "-c", propertiesFile.toString(), "--ignore-formatted"));
            if (saslScram) {
                Map<String, String> users = new LinkedHashMap<>(scramUsers(System.getenv(SCRAM_USERS_ENV)));
                users.put(BROKER_USER, brokerPassword);
                format.addAll(addScramArguments(users));
            }
            int exit = kafka.tools.StorageTool.execute(format.toArray(String[]::new),
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
     * As {@link #serverProperties}, but the client listener accepts SCRAM logins only; the broker
     * logs in to it as {@value #BROKER_USER}. With {@code tls} null the listener is SASL_PLAINTEXT,
     * else SASL_SSL with that key store (the broker trusts its trust store on its own connections).
     */
    static String saslScramServerProperties(Path logDir, int port, int controllerPort, String brokerPassword, Tls tls) {
        String protocol = tls == null ? "SASL_PLAINTEXT" : "SASL_SSL";
        String listener = protocol.toLowerCase(Locale.ROOT);
        List<String> lines = new ArrayList<>(List.of(
                "sasl.enabled.mechanisms=" + String.join(",", SCRAM_MECHANISMS),
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
                // Each enabled mechanism needs its login module on the listener; the broker's own
                // name and password are what it logs in with on inter-broker connections.
                scramJaasConfig(listener, "scram-sha-256", brokerPassword),
                scramJaasConfig(listener, "scram-sha-512", brokerPassword)));
        if (tls != null) {
            lines.addAll(List.of(
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + tls.keyStore().replace('\\', '/'),
                    "ssl.keystore.password=" + tls.password(),
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + tls.trustStore().replace('\\', '/'),
                    "ssl.truststore.password=" + tls.password()));
        }
        lines.add("");
        return serverProperties(logDir, port, controllerPort)
                .replace("PLAINTEXT://127.0.0.1:" + port, protocol + "://127.0.0.1:" + port)
                .replace("inter.broker.listener.name=PLAINTEXT", "inter.broker.listener.name=" + protocol)
                .replace("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT," + protocol + ":" + protocol)
                + String.join("\n", lines) + "\n";
    }

    /** PKCS12 key store and trust store of a SASL_SSL listener, one password for both. */
    record Tls(String keyStore, String trustStore, String password) {
    }

    private static String scramJaasConfig(String listener, String mechanism, String brokerPassword) {
        return "listener.name." + listener + "." + mechanism + ".sasl.jaas.config="
                + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + BROKER_USER + "\" password=\"" + brokerPassword + "\";";
    }

    /** {@code name=password} lines (blank lines ignored) to users; the name may not be empty. */
    static Map<String, String> scramUsers(String text) {
        Map<String, String> users = new LinkedHashMap<>();
        if (text == null) {
            return users;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(SCRAM_USERS_ENV + " wants name=password per line, got a line without a name");
            }
            users.put(line.substring(0, eq).strip(), line.substring(eq + 1));
        }
        return users;
    }

    /** StorageTool's {@code --add-scram} for every user and both SCRAM mechanisms. */
    static List<String> addScramArguments(Map<String, String> users) {
        List<String> arguments = new ArrayList<>();
        users.forEach((name, password) -> {
            // StorageTool parses [key=value,...] itself: these characters would end a field early.
            if ((name + password).matches(".*[\\[\\],=\"].*")) {
                throw new IllegalArgumentException("SCRAM user " + name
                        + ": names and passwords may not contain [ ] , = or \" for StorageTool's --add-scram");
            }
            for (String mechanism : SCRAM_MECHANISMS) {
                arguments.add("--add-scram");
                arguments.add(mechanism + "=[name=" + name + ",password=" + password + "]");
            }
        });
        return arguments;
    }

    /**
     * The broker's own SCRAM password, made on the first start and kept in the data dir (readable by
     * its owner only): the credential is in the metadata log from the format on, so every later
     * start must log in with the same one.
     */
    private static String brokerPassword(Path dataDir) throws IOException {
        Path file = dataDir.resolve("broker-scram-password");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Files.writeString(file, password);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the data dir's own permissions have to do
        }
        return password;
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
                        + "\nUsage: KafkaServerMain --data-dir=<dir> --port=<port> --controller-port=<port> [--sasl-scram=true] [--parent-pid=<pid>]");
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
                    + "=…\nUsage: KafkaServerMain --data-dir=<dir> --port=<port> --controller-port=<port> [--sasl-scram=true] [--parent-pid=<pid>]");
        }
        return value;
    }
}
