package io.parley.schema;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned CQL files ({@code db/cassandra/V<NNN>__<description>.cql} on the class
 * path) to one keyspace, each exactly once and in version order.
 *
 * <ul>
 *   <li>Creates the keyspace if it is absent (SimpleStrategy, the given replication factor).</li>
 *   <li>Records every applied version in {@code schema_migrations} (version, description,
 *       checksum, applied_at) and skips those on the next run, so running it again is a no-op.</li>
 *   <li>Concurrent runs (several service instances starting at once) serialise on a lock row
 *       claimed with a lightweight transaction; the lock has a TTL so a migrator that dies while
 *       holding it cannot block the others for ever. Whoever gets the lock re-reads the applied
 *       versions first, so the second runner finds nothing left to do.</li>
 *   <li>A file whose content changed after it was applied fails the run: databases that already
 *       applied the old text would silently differ from new ones. Add a new version instead.</li>
 * </ul>
 *
 * Statements inside a file should themselves be idempotent ({@code IF NOT EXISTS}): a migrator
 * that dies half-way through a file re-runs the whole file next time.
 */
public final class SchemaMigrator {

    public static final String DEFAULT_LOCATION = "db/cassandra";

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final String LOCK_NAME = "schema";
    private static final Duration LOCK_TTL = Duration.ofMinutes(2);
    private static final Duration LOCK_WAIT = Duration.ofMinutes(5);

    private final CqlSession session;
    private final String keyspace;
    private final int replicationFactor;
    private final List<Migration> migrations;

    /**
     * @param session           a session not bound to any keyspace requirement; statements name
     *                          the keyspace themselves, so the session's own keyspace is untouched
     * @param keyspace          where the tables go; created if absent
     * @param replicationFactor for a keyspace this call creates (1 for one node)
     */
    public SchemaMigrator(CqlSession session, String keyspace, int replicationFactor) {
        this(session, keyspace, replicationFactor,
                MigrationResources.load(SchemaMigrator.class.getClassLoader(), DEFAULT_LOCATION));
    }

    SchemaMigrator(CqlSession session, String keyspace, int replicationFactor, List<Migration> migrations) {
        if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
            throw new IllegalArgumentException("Not a valid unquoted keyspace name: " + keyspace);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Replication factor must be at least 1: " + replicationFactor);
        }
        this.session = session;
        this.keyspace = keyspace.toLowerCase();
        this.replicationFactor = replicationFactor;
        this.migrations = List.copyOf(migrations);
    }

    /** The migrations this migrator knows, in version order. */
    public List<Migration> migrations() {
        return migrations;
    }

    /**
     * Brings the keyspace up to the newest version.
     *
     * @return the migrations this call applied (empty when the keyspace was already up to date)
     */
    public List<Migration> migrate() {
        session.execute(SimpleStatement.newInstance(
                "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
                        + "{'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}"));
        execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                + "version int PRIMARY KEY, description text, checksum text, applied_at timestamp)");
        execute("CREATE TABLE IF NOT EXISTS schema_migrations_lock ("
                + "name text PRIMARY KEY, owner text, locked_at timestamp)");

        // Fast path, no lock: nothing new to apply (the usual case for every start but the first).
        Map<Integer, String> applied = appliedVersions();
        verifyChecksums(applied);
        if (pending(applied).isEmpty()) {
            log.info("Schema of keyspace {} is up to date (version {})", keyspace, latestVersion());
            return List.of();
        }

        String owner = UUID.randomUUID().toString();
        acquireLock(owner);
        try {
            applied = appliedVersions(); // someone may have migrated while we waited
            verifyChecksums(applied);
            List<Migration> done = new ArrayList<>();
            for (Migration migration : pending(applied)) {
                apply(migration);
                done.add(migration);
            }
            return List.copyOf(done);
        } finally {
            releaseLock(owner);
        }
    }

    private void apply(Migration migration) {
        log.info("Applying {} to keyspace {} ({} statements)", migration.resourceName(), keyspace,
                migration.statements().size());
        for (String statement : migration.statements()) {
            try {
                execute(statement);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Migration " + migration.resourceName()
                        + " failed at statement:\n" + statement, e);
            }
        }
        session.execute(statement("INSERT INTO schema_migrations (version, description, checksum, applied_at) "
                        + "VALUES (?, ?, ?, ?)",
                migration.version(), migration.description(), migration.checksum(), Instant.now())
                .setConsistencyLevel(ConsistencyLevel.QUORUM));
    }

    private List<Migration> pending(Map<Integer, String> applied) {
        return migrations.stream().filter(m -> !applied.containsKey(m.version())).toList();
    }

    private void verifyChecksums(Map<Integer, String> applied) {
        for (Migration migration : migrations) {
            String checksum = applied.get(migration.version());
            if (checksum != null && !checksum.equals(migration.checksum())) {
                throw new IllegalStateException("Migration " + migration.resourceName() + " was changed after it "
                        + "was applied to keyspace " + keyspace + " (checksum " + checksum + " in the database, "
                        + migration.checksum() + " now). Revert the file and add a new version instead.");
            }
        }
    }

    private Map<Integer, String> appliedVersions() {
        Map<Integer, String> applied = new HashMap<>();
        ResultSet rows = session.execute(statement("SELECT version, checksum FROM schema_migrations")
                .setConsistencyLevel(ConsistencyLevel.QUORUM));
        for (Row row : rows) {
            applied.put(row.getInt("version"), row.getString("checksum"));
        }
        return applied;
    }

    private void acquireLock(String owner) {
        Instant deadline = Instant.now().plus(LOCK_WAIT);
        while (true) {
            boolean acquired = session.execute(statement(
                    "INSERT INTO schema_migrations_lock (name, owner, locked_at) VALUES (?, ?, ?) "
                            + "IF NOT EXISTS USING TTL " + LOCK_TTL.toSeconds(),
                    LOCK_NAME, owner, Instant.now())).wasApplied();
            if (acquired) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Another process has held the schema lock of keyspace " + keyspace
                        + " for more than " + LOCK_WAIT.toMinutes() + " minutes");
            }
            log.info("Another process is migrating keyspace {}; waiting", keyspace);
            sleep(Duration.ofMillis(500));
        }
    }

    private void releaseLock(String owner) {
        try {
            session.execute(statement("DELETE FROM schema_migrations_lock WHERE name = ? IF owner = ?",
                    LOCK_NAME, owner));
        } catch (RuntimeException e) {
            // The TTL frees it anyway; don't hide the migration's own outcome behind this.
            log.warn("Could not release the schema lock of keyspace {} (it expires in {})", keyspace, LOCK_TTL, e);
        }
    }

    private int latestVersion() {
        return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    }

    private void execute(String cql) {
        session.execute(statement(cql));
    }

    /**
     * A statement on this keyspace. The keyspace travels with the request (native protocol v5,
     * Cassandra 4+), so unqualified table names in the CQL files resolve to it without a
     * {@code USE} that would change the caller's session.
     */
    private SimpleStatement statement(String cql, Object... values) {
        return SimpleStatement.newInstance(cql, values)
                .setKeyspace(CqlIdentifier.fromCql(keyspace))
                .setTimeout(Duration.ofSeconds(30)); // DDL on a busy small machine can take seconds
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the schema lock", e);
        }
    }

    /**
     * Driver settings for a session that runs migrations. The driver refreshes its schema metadata
     * after every DDL statement before it returns, debounced by a 1 s window by default, which
     * makes each CREATE TABLE take a second; a short window keeps a whole migration quick.
     */
    public static DriverConfigLoader fastDdlConfig() {
        return DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(20))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .build();
    }

    /**
     * Environment variables the migrator shares with the services (common's
     * InfrastructureCredentialsEnvironmentPostProcessor reads the same names), so one set of
     * secrets configures every client of the cluster.
     */
    static final String USERNAME_ENV = "CASSANDRA_USERNAME";
    static final String PASSWORD_ENV = "CASSANDRA_PASSWORD";
    static final String SSL_ENABLED_ENV = "CASSANDRA_SSL_ENABLED";
    static final String SSL_VERIFY_HOSTNAME_ENV = "CASSANDRA_SSL_VERIFY_HOSTNAME";
    static final String TRUSTSTORE_LOCATION_ENV = "CASSANDRA_SSL_TRUSTSTORE_LOCATION";
    static final String TRUSTSTORE_PASSWORD_ENV = "CASSANDRA_SSL_TRUSTSTORE_PASSWORD";

    private static final String USAGE = "Usage: SchemaMigrator [--contact-point=host:port] [--datacenter=name] "
            + "[--keyspace=name] [--replication-factor=n] [--username=name] [--ssl=true|false] "
            + "[--truststore=path.p12|path.jks] [--ssl-verify-hostname=true|false]\n"
            + "The password is read from $" + PASSWORD_ENV + " (never from the command line), the trust store's from $"
            + TRUSTSTORE_PASSWORD_ENV + "; --username, --ssl, --truststore and --ssl-verify-hostname default to $"
            + USERNAME_ENV + ", $" + SSL_ENABLED_ENV + ", $" + TRUSTSTORE_LOCATION_ENV + " and $" + SSL_VERIFY_HOSTNAME_ENV
            + ", the variables the services read.";

    /**
     * Applies the schema from the command line:
     * {@code --contact-point=127.0.0.1:9042 --datacenter=datacenter1 --keyspace=parley --replication-factor=1},
     * plus, against a secured cluster, {@code --username} (password in {@code $CASSANDRA_PASSWORD}),
     * {@code --ssl=true} and {@code --truststore} (see {@link #USAGE}).
     */
    public static void main(String[] args) {
        List<Migration> applied;
        String keyspace;
        try {
            keyspace = options(args, System.getenv()).get("keyspace");
            applied = run(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        System.out.println("Applied " + applied.size() + " migration(s) to keyspace " + keyspace
                + applied.stream().map(m -> "\n  " + m.resourceName()).reduce("", String::concat));
    }

    /** The command line over its defaults; the security options default to the services' variables. */
    static Map<String, String> options(String[] args, Map<String, String> environment) {
        Map<String, String> options = new HashMap<>(Map.of(
                "contact-point", "127.0.0.1:19042",
                "datacenter", "datacenter1",
                "keyspace", "parley",
                "replication-factor", "1",
                "username", environment.getOrDefault(USERNAME_ENV, ""),
                "ssl", environment.getOrDefault(SSL_ENABLED_ENV,
                        environment.containsKey(TRUSTSTORE_LOCATION_ENV) ? "true" : "false"),
                "truststore", environment.getOrDefault(TRUSTSTORE_LOCATION_ENV, ""),
                "ssl-verify-hostname", environment.getOrDefault(SSL_VERIFY_HOSTNAME_ENV, "true")));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                throw new IllegalArgumentException("Unknown argument: " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    /**
     * What {@link #main} does, with the environment passed in: connects as the arguments and
     * {@code environment} say and applies every migration.
     *
     * @throws IllegalArgumentException for arguments {@link #main} would refuse with its usage
     */
    public static List<Migration> run(String[] args, Map<String, String> environment) {
        Map<String, String> options = options(args, environment);
        String contactPoint = options.get("contact-point");
        int colon = contactPoint.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(
                contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1)));
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(address)
                .withLocalDatacenter(options.get("datacenter"))
                .withConfigLoader(clientConfig(options, environment))
                .build()) {
            return new SchemaMigrator(session, options.get("keyspace"),
                    Integer.parseInt(options.get("replication-factor"))).migrate();
        }
    }

    /**
     * {@link #fastDdlConfig()} plus the cluster's security: a password login when a user name is
     * given (refused without a password: a typo in a secret's name should not look like "no auth"),
     * TLS with hostname verification when {@code ssl} is true, trusting {@code truststore} or, when
     * none is named, the JVM's default trust store.
     */
    static DriverConfigLoader clientConfig(Map<String, String> options, Map<String, String> environment) {
        ProgrammaticDriverConfigLoaderBuilder config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(20))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30));
        String username = options.getOrDefault("username", "");
        if (!username.isBlank()) {
            String password = environment.get(PASSWORD_ENV);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("--username=" + username + " needs the password in $" + PASSWORD_ENV);
            }
            config.withString(DefaultDriverOption.AUTH_PROVIDER_CLASS, "PlainTextAuthProvider")
                    .withString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME, username)
                    .withString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD, password);
        }
        if (Boolean.parseBoolean(options.getOrDefault("ssl", "false"))) {
            config.withString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS, "DefaultSslEngineFactory")
                    .withBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION,
                            Boolean.parseBoolean(options.getOrDefault("ssl-verify-hostname", "true")));
            String truststore = options.getOrDefault("truststore", "");
            if (!truststore.isBlank()) {
                // The services take a Spring resource location; the driver a plain path.
                config.withString(DefaultDriverOption.SSL_TRUSTSTORE_PATH, truststore.replaceFirst("^file:", ""));
                String truststorePassword = environment.get(TRUSTSTORE_PASSWORD_ENV);
                if (truststorePassword != null) {
                    config.withString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD, truststorePassword);
                }
            }
        } else if (!options.getOrDefault("truststore", "").isBlank()) {
            throw new IllegalArgumentException("--truststore without --ssl=true would be ignored");
        }
        return config.build();
    }
}
