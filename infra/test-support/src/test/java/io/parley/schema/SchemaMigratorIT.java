package io.parley.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.testsupport.CassandraEndpoint;
import io.parley.testsupport.RealInfrastructure;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SchemaMigrator against a real Cassandra; each test migrates a keyspace of its own. */
class SchemaMigratorIT {

    private static CqlSession session;

    @BeforeAll
    static void connect() {
        CassandraEndpoint cassandra = RealInfrastructure.cassandra();
        session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .build();
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void appliesTheShippedSchemaOnceAndASecondRunIsANoOp() {
        String keyspace = newKeyspace();
        SchemaMigrator migrator = new SchemaMigrator(session, keyspace, 1);

        List<Migration> first = migrator.migrate();
        List<Migration> second = new SchemaMigrator(session, keyspace, 1).migrate();

        assertThat(first).extracting(Migration::version)
                .containsExactlyElementsOf(migrator.migrations().stream().map(Migration::version).toList());
        assertThat(second).isEmpty();
        assertThat(tablesOf(keyspace)).contains("messages", "usernames", "conversation_sequence", "user_sessions",
                "schema_migrations");
        Row recorded = session.execute("SELECT description, checksum, applied_at FROM " + keyspace
                + ".schema_migrations WHERE version = 1").one();
        assertThat(recorded).isNotNull();
        assertThat(recorded.getString("description")).isEqualTo("foundation");
        assertThat(recorded.getString("checksum")).isEqualTo(first.get(0).checksum());
        assertThat(recorded.getInstant("applied_at")).isNotNull();
    }

    @Test
    void appliesOnlyVersionsAddedSinceTheLastRunInVersionOrder() {
        String keyspace = newKeyspace();
        Migration v1 = Migration.parse("V1__a.cql", "CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);");
        Migration v2 = Migration.parse("V2__b.cql", "CREATE TABLE IF NOT EXISTS b (id int PRIMARY KEY);"
                + "INSERT INTO a (id) VALUES (7);");
        Migration v3 = Migration.parse("V3__c.cql", "CREATE TABLE IF NOT EXISTS c (id int PRIMARY KEY);");

        assertThat(new SchemaMigrator(session, keyspace, 1, List.of(v1)).migrate()).containsExactly(v1);
        assertThat(new SchemaMigrator(session, keyspace, 1, List.of(v1, v2, v3)).migrate()).containsExactly(v2, v3);

        assertThat(tablesOf(keyspace)).contains("a", "b", "c");
        assertThat(session.execute("SELECT id FROM " + keyspace + ".a WHERE id = 7").one()).isNotNull();
    }

    @Test
    void concurrentMigratorsApplyEachVersionExactlyOnce() throws Exception {
        String keyspace = newKeyspace();
        // A migration that is not idempotent by itself: a second application would add 1 again.
        session.execute("CREATE KEYSPACE " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE " + keyspace + ".applications (name text PRIMARY KEY, n counter)");
        Migration counting = Migration.parse("V1__count.cql",
                "UPDATE applications SET n = n + 1 WHERE name = 'v1';");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Migration>>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(() -> new SchemaMigrator(session, keyspace, 1, List.of(counting)).migrate());
            }
            int appliedTotal = 0;
            for (Future<List<Migration>> result : pool.invokeAll(runs)) {
                appliedTotal += result.get().size();
            }
            assertThat(appliedTotal).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(session.execute("SELECT n FROM " + keyspace + ".applications WHERE name = 'v1'").one()
                .getLong("n")).isEqualTo(1L);
    }

    @Test
    void refusesToRunWhenAnAppliedFileWasChanged() {
        String keyspace = newKeyspace();
        new SchemaMigrator(session, keyspace, 1,
                List.of(Migration.parse("V1__a.cql", "CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);"))).migrate();
        Migration edited = Migration.parse("V1__a.cql", "CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY, v text);");

        assertThatThrownBy(() -> new SchemaMigrator(session, keyspace, 1, List.of(edited)).migrate())
                .hasMessageContaining("V1__a.cql was changed after it was applied");
    }

    @Test
    void createsTheKeyspaceWithSimpleStrategyAndTheRequestedReplicationFactor() {
        String keyspace = newKeyspace();
        new SchemaMigrator(session, keyspace, 1, List.of()).migrate();

        session.refreshSchema();
        assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getReplication())
                .containsEntry("replication_factor", "1")
                .hasEntrySatisfying("class", c -> assertThat(c).endsWith("SimpleStrategy"));
    }

    private static String newKeyspace() {
        return "migrator_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static List<String> tablesOf(String keyspace) {
        session.refreshSchema();
        return session.getMetadata().getKeyspace(keyspace).orElseThrow().getTables().keySet().stream()
                .map(CqlIdentifier::asInternal).toList();
    }
}
