package io.parley.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.common.infra.InfrastructureCredentialsEnvironmentPostProcessor;
import io.parley.schema.Migration;
import io.parley.schema.SchemaMigrator;
import io.parley.testsupport.server.CassandraServerLauncher;
import io.parley.testsupport.server.Credentials;
import io.parley.testsupport.server.KafkaServerLauncher;
import io.parley.testsupport.server.Ports;
import io.parley.testsupport.server.RepoRoot;
import io.parley.testsupport.server.ServerProcess;
import io.parley.testsupport.server.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Kafka with a SASL_SSL/SCRAM listener and Cassandra with PasswordAuthenticator and TLS, both real servers,
 * and the services' way of reaching them: Spring Boot's own Kafka and Cassandra auto-configuration
 * (what api-, chat- and push-service run) configured only through the environment variables
 * docs/operations.md documents (its SASL_SSL + Cassandra TLS example), turned into Boot properties by parley-common's post-processor as
 * in a service, and the schema migrator's command line with the same variables. Right credentials work;
 * wrong or missing ones are refused, and so is a client that does not trust the servers' certificate.
 *
 * <p>Starts its own pair (not {@link RealInfrastructure}'s open one) and stops it afterwards.
 */
class SecuredInfrastructureIT {

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CASSANDRA_TIMEOUT = Duration.ofSeconds(240);
    private static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /** The service's Kafka user and Cassandra role: neither is a superuser of anything. */
    private static final Credentials KAFKA_SERVICE_USER = new Credentials("parley-chat", "kafka-" + UUID.randomUUID());
    private static final Credentials CASSANDRA_SERVICE_ROLE = new Credentials("parley_service", "cql-" + UUID.randomUUID());

    private static Path workDir;
    private static TestCertificates tls;
    private static final List<ServerProcess> started = new ArrayList<>();
    private static String kafkaBootstrap;
    private static int cassandraPort;

    @BeforeAll
    static void startSecuredServers() throws Exception {
        Path repoRoot = RepoRoot.find();
        workDir = Files.createTempDirectory("parley-secured-it-");
        tls = TestCertificates.create(workDir.resolve("tls"));
        int[] ports = Ports.free(4);
        kafkaBootstrap = "127.0.0.1:" + ports[0];
        cassandraPort = ports[2];
        // Both start at once: Cassandra's start-up is most of this test's time.
        ServerProcess kafka = KafkaServerLauncher.start(repoRoot, workDir.resolve("kafka"), ports[0], ports[1],
                workDir.resolve("logs/kafka.log"), List.of(KAFKA_SERVICE_USER), tls);
        started.add(kafka);
        ServerProcess cassandra = CassandraServerLauncher.start(repoRoot, workDir.resolve("cassandra"), ports[2],
                ports[3], workDir.resolve("logs/cassandra.log"), true, tls);
        started.add(cassandra);

        Map<String, Object> kafkaLogin = new HashMap<>(KAFKA_SERVICE_USER.kafkaScramClientProperties(SCRAM_MECHANISM));
        kafkaLogin.put("security.protocol", "SASL_SSL");
        kafkaLogin.put("ssl.truststore.location", tls.trustStore().toString());
        kafkaLogin.put("ssl.truststore.password", tls.password());
        kafkaLogin.put("ssl.truststore.type", "PKCS12");
        KafkaServerLauncher.awaitReady(kafka, kafkaBootstrap, kafkaLogin, KAFKA_TIMEOUT);
        CassandraServerLauncher.awaitReady(cassandra, cassandraPort, Credentials.CASSANDRA_DEFAULT_SUPERUSER, tls,
                CASSANDRA_TIMEOUT);
        try (CqlSession superuser = CassandraServerLauncher.connect(cassandraPort,
                Credentials.CASSANDRA_DEFAULT_SUPERUSER, tls)) {
            CassandraServerLauncher.createLoginRole(superuser, CASSANDRA_SERVICE_ROLE);
        }
    }

    @AfterAll
    static void stopServers() throws IOException {
        CompletableFuture.allOf(started.stream()
                .map(process -> CompletableFuture.runAsync(() -> process.stop(Duration.ofSeconds(10))))
                .toArray(CompletableFuture[]::new)).join();
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    // --- Kafka ---

    @Test
    void aServiceWithItsScramCredentialsAdministersProducesAndConsumes() {
        kafkaClients(kafkaEnvironment(KAFKA_SERVICE_USER.password())).run(context -> {
            assertThat(context).hasNotFailed();
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            String topic = "secured-it-" + UUID.randomUUID();

            // Topic creation the way chat-service's SessionDirectory builds its Admin.
            try (Admin admin = Admin.create(kafka.buildAdminProperties())) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            // Produce through the auto-configured template every service sends with.
            @SuppressWarnings("unchecked")
            KafkaTemplate<Object, Object> template = context.getBean(KafkaTemplate.class);
            template.send(topic, "conversation-1", "hello over SCRAM").get(60, TimeUnit.SECONDS);

            // Consume the way the hand-made listener factories of chat- and push-service build theirs.
            Map<String, Object> consumerConfig = new HashMap<>(kafka.buildConsumerProperties());
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-it");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig,
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
                while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
            }
            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("conversation-1");
                assertThat(record.value()).isEqualTo("hello over SCRAM");
            });

            // chat-service's sequencer (Kafka Streams) starts from buildStreamsProperties: it must
            // carry the same login, or the sequencer would be the one client left outside.
            assertThat(kafka.buildStreamsProperties())
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", SCRAM_MECHANISM)
                    .containsKey("sasl.jaas.config")
                    .containsEntry("ssl.truststore.location", tls.trustStore().toString());
        });
    }

    @Test
    void aWrongKafkaPasswordIsRefused() {
        kafkaClients(kafkaEnvironment("not-" + KAFKA_SERVICE_USER.password())).run(context -> {
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            try (Admin admin = Admin.create(shortTimeouts(kafka.buildAdminProperties()))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        });
    }

    @Test
    void theRightCredentialsWithoutTheTrustStoreAreRefused() {
        // The JVM's own CAs do not vouch for the broker: TLS is really in force, not just named.
        Map<String, Object> environment = new HashMap<>(kafkaEnvironment(KAFKA_SERVICE_USER.password()));
        environment.remove("KAFKA_SSL_TRUSTSTORE_LOCATION");
        kafkaClients(environment).run(context -> {
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            try (Admin admin = Admin.create(shortTimeouts(kafka.buildAdminProperties()))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SslAuthenticationException.class);
            }
        });
    }

    @Test
    void aClientWithoutCredentialsGetsNoAnswer() {
        // Today's default settings (PLAINTEXT, no login) against the SASL listener.
        kafkaClients(Map.of()).run(context -> {
            KafkaProperties kafka = context.getBean(KafkaProperties.class);
            try (Admin admin = Admin.create(shortTimeouts(kafka.buildAdminProperties()))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
            }
        });
    }

    // --- Cassandra ---

    @Test
    void theMigratorAndAServiceLogInWithTheServiceRoleAndWriteAndRead() {
        List<Migration> applied = SchemaMigrator.run(new String[] {"--contact-point=127.0.0.1:" + cassandraPort},
                cassandraEnvironment(CASSANDRA_SERVICE_ROLE.username(), CASSANDRA_SERVICE_ROLE.password()));
        assertThat(applied).isNotEmpty();

        cassandraClients(cassandraEnvironment(CASSANDRA_SERVICE_ROLE.username(), CASSANDRA_SERVICE_ROLE.password()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CqlSession session = context.getBean(CqlSession.class);
                    String username = "secured-" + UUID.randomUUID();
                    assertThat(session.execute("INSERT INTO usernames (username, user_id) VALUES (?, ?) IF NOT EXISTS",
                            username, 7L).wasApplied()).isTrue();
                    assertThat(session.execute("SELECT user_id FROM usernames WHERE username = ?", username)
                            .one().getLong("user_id")).isEqualTo(7L);
                });
    }

    @Test
    void aWrongCassandraPasswordIsRefused() {
        cassandraClients(cassandraEnvironment(CASSANDRA_SERVICE_ROLE.username(), "not-" + CASSANDRA_SERVICE_ROLE.password()))
                .run(context -> assertThatThrownBy(() -> sessionOf(context))
                        .hasStackTraceContaining("Provided username " + CASSANDRA_SERVICE_ROLE.username()
                                + " and/or password are incorrect"));
        assertThatThrownBy(() -> SchemaMigrator.run(new String[] {"--contact-point=127.0.0.1:" + cassandraPort},
                cassandraEnvironment(CASSANDRA_SERVICE_ROLE.username(), "wrong")))
                .hasStackTraceContaining("and/or password are incorrect");
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        // TLS as configured, but no user name and password.
        Map<String, Object> tlsOnly = new HashMap<>(cassandraEnvironment("x", "y"));
        tlsOnly.remove("CASSANDRA_USERNAME");
        tlsOnly.remove("CASSANDRA_PASSWORD");
        cassandraClients(tlsOnly).run(context -> assertThatThrownBy(() -> sessionOf(context))
                .hasStackTraceContaining("requires authentication"));
        assertThatThrownBy(() -> SchemaMigrator.run(new String[] {"--contact-point=127.0.0.1:" + cassandraPort},
                asStrings(tlsOnly)))
                .hasStackTraceContaining("requires authentication");
        // Today's default settings: plaintext, no login. The TLS-only port does not talk to it.
        cassandraClients(Map.of()).run(context -> assertThatThrownBy(() -> sessionOf(context))
                .isInstanceOf(RuntimeException.class));
    }

    // --- the services' configuration, from environment variables only ---

    /** What an operator sets (docs/operations.md); SASL_PLAINTEXT because the test broker has no TLS. */
    /** docs/operations.md's example: a SCRAM user implies SASL_SSL; the brokers' CA in a trust store. */
    private static Map<String, Object> kafkaEnvironment(String password) {
        return Map.of(
                "KAFKA_USERNAME", KAFKA_SERVICE_USER.username(),
                "KAFKA_PASSWORD", password,
                "KAFKA_SASL_MECHANISM", SCRAM_MECHANISM,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", tls.trustStore().toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", tls.password());
    }

    /** A role and password; a trust store implies TLS, with the host name checked (the default). */
    private static Map<String, String> cassandraEnvironment(String username, String password) {
        return Map.of("CASSANDRA_USERNAME", username, "CASSANDRA_PASSWORD", password,
                "CASSANDRA_SSL_TRUSTSTORE_LOCATION", tls.trustStore().toString(),
                "CASSANDRA_SSL_TRUSTSTORE_PASSWORD", tls.password());
    }

    private static Map<String, String> asStrings(Map<String, Object> environment) {
        Map<String, String> strings = new HashMap<>();
        environment.forEach((name, value) -> strings.put(name, String.valueOf(value)));
        return strings;
    }

    /**
     * {@code environment} as the process environment, then the post-processor every service runs
     * (from parley-common's spring.factories; a context runner does not run post-processors itself).
     */
    private static ApplicationContextRunner withEnvironment(ApplicationContextRunner runner, Map<String, ?> environment) {
        return runner.withInitializer(context -> {
            context.getEnvironment().getPropertySources().replace(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new HashMap<String, Object>(environment)));
            new InfrastructureCredentialsEnvironmentPostProcessor()
                    .postProcessEnvironment(context.getEnvironment(), new SpringApplication());
        });
    }

    /**
     * Boot's Kafka auto-configuration with {@code environment} as the process environment (so the
     * variable names are bound exactly as a service binds them) and the broker's address.
     */
    private static ApplicationContextRunner kafkaClients(Map<String, Object> environment) {
        return withEnvironment(new ApplicationContextRunner(), environment)
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, KafkaAutoConfiguration.class))
                .withPropertyValues("spring.kafka.bootstrap-servers=" + kafkaBootstrap,
                        "spring.kafka.producer.properties.max.block.ms=30000");
    }

    private static ApplicationContextRunner cassandraClients(Map<String, ?> environment) {
        return withEnvironment(new ApplicationContextRunner(), environment)
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, CassandraAutoConfiguration.class))
                .withPropertyValues("spring.cassandra.contact-points=127.0.0.1:" + cassandraPort,
                        "spring.cassandra.local-datacenter=" + CassandraServerLauncher.LOCAL_DATACENTER,
                        "spring.cassandra.keyspace-name=" + RealInfrastructure.KEYSPACE,
                        "spring.cassandra.connection.init-query-timeout=10s",
                        "spring.cassandra.request.timeout=30s");
    }

    /** The context's session; a failure to log in surfaces here or as the context's start-up failure. */
    private static CqlSession sessionOf(AssertableApplicationContext context) {
        if (context.getStartupFailure() != null) {
            throw new IllegalStateException(context.getStartupFailure());
        }
        return context.getBean(CqlSession.class);
    }

    private static Map<String, Object> shortTimeouts(Map<String, Object> adminConfig) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
        return config;
    }
}
