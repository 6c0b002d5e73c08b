package io.parley.cassandraserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one real Cassandra node bound to 127.0.0.1, configured for development and tests.
 *
 * <p>Usage: {@code CassandraServerMain --data-dir=<dir> --native-port=<CQL port> --storage-port=<port>
 * [--password-authentication=true] [--tls-keystore=<p12> --tls-truststore=<p12>] [--parent-pid=<pid>]}.
 * Writes {@code cassandra.yaml} and {@code logback.xml} into the data dir, points Cassandra at
 * them through system properties, then runs {@code CassandraDaemon} in the foreground. Data stays
 * in the dir between starts. Stop it with SIGTERM (Cassandra drains in its shutdown hook).
 *
 * <p>By default anyone who reaches the CQL port may do anything (AllowAllAuthenticator). With
 * {@code --password-authentication=true} the node runs Cassandra's PasswordAuthenticator: only
 * roles with a password log in, starting with Cassandra's default superuser
 * {@code cassandra}/{@code cassandra}, which whoever starts the node uses to create the roles it
 * wants (a dev/test node: a production cluster changes or drops that superuser).
 *
 * <p>With {@code --tls-keystore} the CQL port speaks TLS only (client_encryption_options, not
 * optional), serving that PKCS12 key store's certificate; its password comes from
 * {@value #TLS_PASSWORD_ENV}, not the command line.
 *
 * <p>JVM flags (the JDK 17 {@code --add-exports/--add-opens} set, the jamm agent, heap size) cannot
 * be set from inside the JVM; the launcher passes them. Cassandra 5.0 runs on JDK 17 only.
 */
public final class CassandraServerMain {

    private static final String USAGE =
            "Usage: CassandraServerMain --data-dir=<dir> --native-port=<port> --storage-port=<port>"
                    + " [--password-authentication=true] [--tls-keystore=<p12> --tls-truststore=<p12>]"
                    + " [--parent-pid=<pid>]";

    /** The password of the {@code --tls-keystore} and {@code --tls-truststore} (PKCS12) files. */
    static final String TLS_PASSWORD_ENV = "CASSANDRA_SERVER_TLS_PASSWORD";

    private CassandraServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parseOptions(args);
        Path dataDir = Path.of(required(options, "data-dir")).toAbsolutePath();
        int nativePort = Integer.parseInt(required(options, "native-port"));
        int storagePort = Integer.parseInt(required(options, "storage-port"));
        boolean passwordAuthentication = Boolean.parseBoolean(options.getOrDefault("password-authentication", "false"));

        exitWithParent(options.get("parent-pid"));

        Path confDir = Files.createDirectories(dataDir.resolve("conf"));
        Path logDir = Files.createDirectories(dataDir.resolve("logs"));
        Path triggersDir = Files.createDirectories(dataDir.resolve("triggers"));
        Path storageDir = Files.createDirectories(dataDir.resolve("data"));
        Path yaml = confDir.resolve("cassandra.yaml");
        Path logback = confDir.resolve("logback.xml");
        String yamlText = cassandraYaml(nativePort, storagePort, passwordAuthentication);
        if (options.containsKey("tls-keystore")) {
            yamlText += clientEncryptionYaml(required(options, "tls-keystore"), required(options, "tls-truststore"),
                    Objects.requireNonNull(System.getenv(TLS_PASSWORD_ENV), TLS_PASSWORD_ENV + " is not set"));
        }
        Files.writeString(yaml, yamlText);
        Files.writeString(logback, logbackXml());

        // Must be set before any Cassandra or logging class initialises: both read them once.
        System.setProperty("cassandra.config", yaml.toUri().toString());
        System.setProperty("cassandra.storagedir", storageDir.toString());
        System.setProperty("cassandra.logdir", logDir.toString());
        System.setProperty("cassandra.triggers_dir", triggersDir.toString());
        System.setProperty("logback.configurationFile", logback.toString());
        // Without it the daemon closes stdout/stderr, and the launcher's log file goes silent.
        System.setProperty("cassandra-foreground", "yes");
        // A single node has nobody to gossip with: skip the waits meant for real clusters.
        System.setProperty("cassandra.skip_wait_for_gossip_to_settle", "0");
        System.setProperty("cassandra.ring_delay_ms", "100");
        // No fsync for the system keyspaces: schema changes (every CREATE TABLE of a migration)
        // go from seconds to milliseconds. Acceptable for a dev/test node, never for production.
        System.setProperty("cassandra.unsafesystem", "true");
        // The default superuser is created 10 s after start-up by default, to let a real cluster
        // settle; nobody could log in before then.
        System.setProperty("cassandra.superuser_setup_delay_ms", "0");

        org.apache.cassandra.service.CassandraDaemon.main(new String[0]);
    }

    /**
     * The node's settings. One token, SimpleSnitch (so the local datacenter is {@code datacenter1}),
     * periodic commit log, no hints, no automatic snapshots (so tests can TRUNCATE and DROP fast),
     * small caches for a small machine, and Paxos v2 (fewer round trips and writes per lightweight
     * transaction than 5.0's default v1; the accept path's client-id claim is one).
     */
    static String cassandraYaml(int nativePort, int storagePort) {
        return cassandraYaml(nativePort, storagePort, false);
    }

    /** As {@link #cassandraYaml(int, int)}, with PasswordAuthenticator when {@code passwordAuthentication}. */
    static String cassandraYaml(int nativePort, int storagePort, boolean passwordAuthentication) {
        return """
                cluster_name: parley-local
                num_tokens: 1
                initial_token: 0
                allocate_tokens_for_local_replication_factor: 1
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "127.0.0.1:%2$d"
                listen_address: 127.0.0.1
                rpc_address: 127.0.0.1
                storage_port: %2$d
                native_transport_port: %1$d
                start_native_transport: true
                commitlog_sync: periodic
                commitlog_sync_period: 10000ms
                paxos_variant: v2
                hinted_handoff_enabled: false
                auto_snapshot: false
                snapshot_before_compaction: false
                authenticator: %3$s
                authorizer: AllowAllAuthorizer
                concurrent_compactors: 1
                key_cache_size: 8MiB
                counter_cache_size: 1MiB
                disk_failure_policy: stop
                commit_failure_policy: stop
                """.formatted(nativePort, storagePort,
                passwordAuthentication ? "PasswordAuthenticator" : "AllowAllAuthenticator");
    }

    /** TLS on the CQL port, required of every client; no client certificates asked for. */
    static String clientEncryptionYaml(String keyStore, String trustStore, String password) {
        return """
                client_encryption_options:
                  enabled: true
                  optional: false
                  keystore: "%s"
                  keystore_password: "%s"
                  truststore: "%s"
                  truststore_password: "%s"
                  store_type: PKCS12
                  require_client_auth: false
                """.formatted(keyStore, password, trustStore, password);
    }

    static String logbackXml() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Logging of the local Cassandra node: INFO to stdout (the launcher sends stdout to
                     a log file); start-up noise that does not matter on a dev machine at WARN. -->
                <configuration scan="false">
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder>
                      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
                    </encoder>
                  </appender>
                  <logger name="org.apache.cassandra.utils.SigarLibrary" level="ERROR"/>
                  <logger name="org.apache.cassandra.service.StartupChecks" level="ERROR"/>
                  <logger name="com.datastax" level="WARN"/>
                  <root level="INFO">
                    <appender-ref ref="STDOUT"/>
                  </root>
                </configuration>
                """;
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
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("Expected --name=value, got: " + arg + "\n" + USAGE);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing --" + name + "=…\n" + USAGE);
        }
        return value;
    }
}
