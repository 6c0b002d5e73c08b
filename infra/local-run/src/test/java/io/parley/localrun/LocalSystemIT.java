package io.parley.localrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The infrastructure half of the local run on real servers (the services' half is covered by
 * e2e-tests, which need every service jar).
 */
class LocalSystemIT {

    @Test
    void startsKafkaAndCassandraWithTheSchemaAndStopsEveryProcessOnClose() throws Exception {
        LocalSystem.Options options = LocalSystem.Options.forTests().withServices(false);
        LocalSystem system = LocalSystem.start(options);
        try {
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()))) {
                admin.createTopics(java.util.List.of(new NewTopic("local-run-it", 2, (short) 1)))
                        .all().get(60, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("local-run-it");
            }
            String contactPoint = system.cassandraContactPoint();
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(new InetSocketAddress("127.0.0.1",
                            Integer.parseInt(contactPoint.substring(contactPoint.indexOf(':') + 1))))
                    .withLocalDatacenter(system.cassandraLocalDatacenter())
                    .withKeyspace(system.keyspace())
                    .build()) {
                assertThat(session.execute("SELECT version FROM schema_migrations WHERE version = 1").one()).isNotNull();
            }
            assertThat(system.summary()).contains(system.kafkaBootstrapServers(), contactPoint);
            assertThat(system.startupTime()).isPositive();
            assertThat(Files.exists(system.dataDir().resolve("logs/kafka.log"))).isTrue();
        } finally {
            system.close();
        }

        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.exists(options.dataDir())).as("data deleted when not kept").isFalse();
    }

    @Test
    void aRestartOnTheSameDataDirKeepsTopicsAndRowsEvenOnNewPorts(@TempDir Path dataDir) throws Exception {
        String username = "restart-" + UUID.randomUUID();
        try (LocalSystem first = LocalSystem.start(LocalSystem.Options.forTests(dataDir).withServices(false))) {
            try (Admin admin = admin(first)) {
                admin.createTopics(List.of(new NewTopic("kept-topic", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            try (CqlSession session = session(first)) {
                session.execute("INSERT INTO usernames (username, user_id) VALUES (?, 7)", username);
            }
        }
        assertThat(dataDir.resolve("cassandra")).exists();

        try (LocalSystem second = LocalSystem.start(LocalSystem.Options.forTests(dataDir).withServices(false))) {
            try (Admin admin = admin(second)) {
                assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).contains("kept-topic");
            }
            try (CqlSession session = session(second)) {
                assertThat(session.execute("SELECT user_id FROM usernames WHERE username = ?", username).one()
                        .getLong("user_id")).isEqualTo(7L);
            }
        }
    }

    private static Admin admin(LocalSystem system) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()));
    }

    private static CqlSession session(LocalSystem system) {
        String contactPoint = system.cassandraContactPoint();
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1",
                        Integer.parseInt(contactPoint.substring(contactPoint.indexOf(':') + 1))))
                .withLocalDatacenter(system.cassandraLocalDatacenter())
                .withKeyspace(system.keyspace())
                .build();
    }
}
