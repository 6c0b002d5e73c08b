package io.parley.testsupport.server;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the real Cassandra node of {@code infra/cassandra-server} as a child JDK 17 JVM and waits
 * until a driver session can connect.
 */
public final class CassandraServerLauncher {

    public static final String LOCAL_DATACENTER = "datacenter1";

    private static final String MAIN_CLASS = "io.parley.cassandraserver.CassandraServerMain";

    /** What Cassandra's conf/jvm17-server.options opens up; without it 5.0 fails on JDK 17. */
    private static final List<String> JDK17_MODULE_FLAGS = List.of(
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED");

    private CassandraServerLauncher() {
    }

    /**
     * @param dataDir Cassandra's own directory (data, commit log, generated config); kept between starts
     * @param logFile where the node's stdout and stderr go
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int nativePort, int storagePort, Path logFile) {
        return start(repoRoot, dataDir, nativePort, storagePort, logFile, false);
    }

    /**
     * As {@link #start(Path, Path, int, int, Path)}; with {@code passwordAuthentication} the node
     * runs PasswordAuthenticator and only roles with a password log in, at first only
     * {@link Credentials#CASSANDRA_DEFAULT_SUPERUSER} (see {@link #createLoginRole}).
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int nativePort, int storagePort, Path logFile,
            boolean passwordAuthentication) {
        return start(repoRoot, dataDir, nativePort, storagePort, logFile, passwordAuthentication, null);
    }

    /**
     * As {@link #start(Path, Path, int, int, Path, boolean)}; with {@code tls} the CQL port speaks
     * TLS only, serving {@code tls}'s certificate for 127.0.0.1 (connect with {@link #connect(int, Credentials, TestCertificates)}).
     */
    public static ServerProcess start(Path repoRoot, Path dataDir, int nativePort, int storagePort, Path logFile,
            boolean passwordAuthentication, TestCertificates tls) {
        ServerModule module = ServerModule.of(repoRoot, "infra/cassandra-server");
        List<String> command = new ArrayList<>();
        command.add(Jdks.jdk17().toString());
        command.addAll(List.of(
                // Xms well below Xmx: as root, JNA's mlockall pins the whole committed heap.
                "-Xms256M", "-Xmx1G", "-Xss256k",
                "-XX:+UseG1GC",
                "-javaagent:" + module.entryStartingWith("jamm-"),
                "-Djdk.attach.allowAttachSelf=true",
                "-Djava.net.preferIPv4Stack=true",
                "-Djava.awt.headless=true"));
        command.addAll(Compilation.flags());
        command.addAll(JDK17_MODULE_FLAGS);
        command.addAll(List.of(
                "-cp", module.classpathString(),
                MAIN_CLASS,
                "--data-dir=" + dataDir.toAbsolutePath(),
                "--native-port=" + nativePort,
                "--storage-port=" + storagePort,
                "--password-authentication=" + passwordAuthentication));
        Map<String, String> environment = Map.of();
        if (tls != null) {
            command.add("--tls-keystore=" + tls.keyStore().toAbsolutePath());
            command.add("--tls-truststore=" + tls.trustStore().toAbsolutePath());
            environment = Map.of("CASSANDRA_SERVER_TLS_PASSWORD", tls.password());
        }
        command.add("--parent-pid=" + ProcessHandle.current().pid());
        return ServerProcess.start("cassandra", command, environment, dataDir, logFile);
    }

    /** Waits until the CQL port accepts connections and a driver session can query it. */
    public static void awaitReady(ServerProcess cassandra, int nativePort, Duration timeout) {
        awaitReady(cassandra, nativePort, null, timeout);
    }

    /** As {@link #awaitReady(ServerProcess, int, Duration)}, logging in as {@code credentials} (null: none). */
    public static void awaitReady(ServerProcess cassandra, int nativePort, Credentials credentials, Duration timeout) {
        awaitReady(cassandra, nativePort, credentials, null, timeout);
    }

    /** As {@link #awaitReady(ServerProcess, int, Credentials, Duration)}, over TLS trusting {@code tls} (null: plaintext). */
    public static void awaitReady(ServerProcess cassandra, int nativePort, Credentials credentials, TestCertificates tls,
            Duration timeout) {
        Readiness.await(cassandra, "Cassandra's CQL port " + nativePort + " to listen", timeout,
                () -> Ports.isListening(nativePort));
        Readiness.await(cassandra, "a CQL session to connect to Cassandra on port " + nativePort, timeout, () -> {
            try (CqlSession session = connect(nativePort, credentials, tls)) {
                return session.execute("SELECT release_version FROM system.local").one() != null;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** A session without keyspace, with timeouts that suit DDL on a small, busy machine, and fast DDL. */
    public static CqlSession connect(int nativePort) {
        return connect(nativePort, null);
    }

    /** As {@link #connect(int)}, logging in as {@code credentials} (null: no authentication). */
    public static CqlSession connect(int nativePort, Credentials credentials) {
        return connect(nativePort, credentials, null);
    }

    /** As {@link #connect(int, Credentials)}, over TLS trusting {@code tls}'s certificate (null: plaintext). */
    public static CqlSession connect(int nativePort, Credentials credentials, TestCertificates tls) {
        CqlSessionBuilder builder = CqlSession.builder();
        if (credentials != null) {
            builder.withAuthCredentials(credentials.username(), credentials.password());
        }
        if (tls != null) {
            builder.withSslContext(tls.clientSslContext());
        }
        return builder
                .addContactPoint(new InetSocketAddress("127.0.0.1", nativePort))
                .withLocalDatacenter(LOCAL_DATACENTER)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        // Each DDL statement waits for the driver's schema refresh, which is
                        // debounced by 1 s by default: a 13-table migration then takes 15 s.
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(20))
                        .build())
                .build();
    }

    /**
     * Creates (or resets the password of) a role that may log in and is not a superuser, through a
     * session of a superuser. On a node with the default AllowAllAuthorizer such a role may read and
     * write every keyspace; it is what a service should use instead of the superuser.
     */
    public static void createLoginRole(CqlSession superuserSession, Credentials role) {
        // CQL takes no bind marker for a password: quote it as a string literal.
        String name = "\"" + role.username().replace("\"", "\"\"") + "\"";
        String password = "'" + role.password().replace("'", "''") + "'";
        // Cassandra 5.0 refuses a second password change of a role within 5 s, so a role made
        // just now is not "reset" again: ALTER only one that existed before.
        boolean exists = superuserSession.execute(SimpleStatement.newInstance(
                "SELECT role FROM system_auth.roles WHERE role = ?", role.username())).one() != null;
        superuserSession.execute(SimpleStatement.newInstance((exists ? "ALTER ROLE " + name + " WITH PASSWORD = "
                + password : "CREATE ROLE " + name + " WITH PASSWORD = " + password
                + " AND LOGIN = true AND SUPERUSER = false"))
                .setTimeout(Duration.ofSeconds(30)));
    }
}
