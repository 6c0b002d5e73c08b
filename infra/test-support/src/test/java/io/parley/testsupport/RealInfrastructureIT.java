package io.parley.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;

class RealInfrastructureIT {

    @Test
    void kafkaAcceptsAnIdempotentProduceAndServesItToAConsumerGroup() throws Exception {
        String bootstrap = RealInfrastructure.kafka().bootstrapServers();
        String topic = "it-" + UUID.randomUUID();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get(60, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (received.isEmpty() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertThat(received).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("k");
            assertThat(record.value()).isEqualTo("hello");
        });
    }

    @Test
    void cassandraHasTheSchemaAppliedInTheParleyKeyspace() {
        CassandraEndpoint cassandra = RealInfrastructure.cassandra();
        assertThat(cassandra.keyspace()).isEqualTo("parley");
        assertThat(cassandra.localDatacenter()).isEqualTo("datacenter1");
        assertThat(cassandra.contactPoint()).startsWith("127.0.0.1:").isEqualTo("127.0.0.1:" + cassandra.port());

        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .withKeyspace(cassandra.keyspace())
                .build()) {
            assertThat(session.execute("SELECT version FROM schema_migrations WHERE version = 1").one()).isNotNull();
            assertThat(session.getMetadata().getKeyspace(CqlIdentifier.fromCql("parley")).orElseThrow()
                    .getTable("messages")).isPresent();

            String username = "it-" + UUID.randomUUID();
            assertThat(session.execute("INSERT INTO usernames (username, user_id) VALUES (?, ?) IF NOT EXISTS",
                    username, 42L).wasApplied()).isTrue();
            assertThat(session.execute("INSERT INTO usernames (username, user_id) VALUES (?, ?) IF NOT EXISTS",
                    username, 43L).wasApplied()).isFalse();
            assertThat(session.execute("SELECT user_id FROM usernames WHERE username = ?", username)
                    .one().getLong("user_id")).isEqualTo(42L);
        }
    }

    @Test
    void serversStartOncePerJvmAndRegisterSpringProperties() {
        assertThat(RealInfrastructure.kafka()).isSameAs(RealInfrastructure.kafka());
        assertThat(RealInfrastructure.cassandra()).isSameAs(RealInfrastructure.cassandra());

        Map<String, Object> properties = new HashMap<>();
        DynamicPropertyRegistry registry = (name, supplier) -> properties.put(name, supplier.get());
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);

        assertThat(properties).containsEntry("spring.kafka.bootstrap-servers", RealInfrastructure.kafka().bootstrapServers())
                .containsEntry("spring.cassandra.contact-points", RealInfrastructure.cassandra().contactPoint())
                .containsEntry("spring.cassandra.local-datacenter", "datacenter1")
                .containsEntry("spring.cassandra.keyspace-name", "parley");
    }
}
