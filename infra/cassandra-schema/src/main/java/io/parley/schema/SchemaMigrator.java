package io.parley.schema;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
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
     * Applies the schema from the command line:
     * {@code --contact-point=127.0.0.1:9042 --datacenter=datacenter1 --keyspace=parley --replication-factor=1}.
     */
    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of(
                "contact-point", "127.0.0.1:19042",
                "datacenter", "datacenter1",
                "keyspace", "parley",
                "replication-factor", "1"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.println("Usage: SchemaMigrator [--contact-point=host:port] [--datacenter=name] "
                        + "[--keyspace=name] [--replication-factor=n]   (defaults: " + options + ")");
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        String contactPoint = options.get("contact-point");
        int colon = contactPoint.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(
                contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1)));
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(address)
                .withLocalDatacenter(options.get("datacenter"))
                .withConfigLoader(fastDdlConfig())
                .build()) {
            List<Migration> applied = new SchemaMigrator(session, options.get("keyspace"),
                    Integer.parseInt(options.get("replication-factor"))).migrate();
            System.out.println("Applied " + applied.size() + " migration(s) to keyspace " + options.get("keyspace")
                    + applied.stream().map(m -> "\n  " + m.resourceName()).reduce("", String::concat));
        }
    }
}
