package io.parley.push.support;

import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import io.parley.push.PushServiceApplication;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole push-service on real Kafka and Cassandra, sending through firebase-admin to
 * {@link FakeFcm}, with tokens minted by {@link TestJwt}. Requests are published to
 * {@code parley.notifications.offline} the way chat-service does (plain JSON, keyed by recipient).
 * Every test uses fresh ids and tokens, so tests sharing the context and servers never interfere.
 */
@SpringBootTest(classes = PushServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "eureka.client.enabled=false",
                "parley.registry.password=" + PushIntegrationTest.REGISTRY_PASSWORD,
                "parley.push.coalesce-window=2s",
                "parley.push.retry.initial-backoff=200ms",
                "parley.push.retry.max-backoff=2s"
        })
@Import({TestJwt.class, FakeFcmConfig.class})
public abstract class PushIntegrationTest {

    protected static final String REGISTRY_PASSWORD = "it-registry-secret";
    protected static final Duration PATIENCE = Duration.ofMinutes(2);
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaProducer<String, Object> producer;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected CqlSession cql;

    protected final FakeFcm fcm = FakeFcm.shared();

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    protected static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** A user row as api-service writes it. */
    protected long user(String displayName) {
        long id = randomId();
        cql.execute("INSERT INTO users (user_id, username, display_name, created_at) VALUES (?, ?, ?, ?)",
                id, "it-" + id, displayName, Instant.now());
        return id;
    }

    protected long conversation(long... members) {
        long conversation = randomId();
        for (long member : members) {
            cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    conversation, member, Instant.now());
        }
        return conversation;
    }

    protected static StoredMessage message(long conversation, long sender, long seq, String text) {
        return new StoredMessage(randomId(), conversation, seq, sender, "client-" + randomId(), text,
                System.currentTimeMillis());
    }

    /** Publishes as chat-service's fan-out does and returns where the record landed. */
    protected static synchronized RecordMetadata publish(long recipient, StoredMessage message) throws Exception {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                    new StringSerializer(), new JacksonJsonSerializer<>().noTypeInfo());
        }
        return producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS_OFFLINE, Long.toString(recipient),
                new OfflineNotificationRequested(recipient, message))).get();
    }

    /**
     * Waits until push-service is completely done with a request: its offset is committed (it was
     * taken) and no pending row of its (recipient, conversation) is left (its window was closed,
     * every device's outcome recorded). After this, a "no request was made" assertion is meaningful.
     */
    protected void awaitHandled(RecordMetadata record, long recipient, long conversation) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", RealInfrastructure.kafka().bootstrapServers()))) {
            await().atMost(PATIENCE).until(() -> {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("parley-push")
                        .partitionsToOffsetAndMetadata().get().get(partition);
                return committed != null && committed.offset() > record.offset();
            });
        }
        await().atMost(PATIENCE).until(() -> cql.execute(
                "SELECT message_id FROM push_pending WHERE kafka_partition = ? AND user_id = ? AND conversation_id = ?",
                record.partition(), recipient, conversation).one() == null);
    }

    // --- REST ---------------------------------------------------------------------------------

    protected record Response(int status, JsonNode body) {
    }

    protected Response call(String method, String path, long userId, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TestJwt.token(userId))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
        return new Response(response.statusCode(), json);
    }

    protected HttpResponse<String> anonymous(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call with the registry credentials (the service plane: actuator details). */
    protected HttpResponse<String> asService(String method, String path, String password) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString(
                ("parley:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + basic)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected void registerDevice(long userId, String deviceId, String platform, String token) throws Exception {
        Response response = call("PUT", "/api/push/devices/" + deviceId, userId, Map.of("platform", platform, "token", token));
        if (response.status() != 200) {
            throw new AssertionError("device registration answered " + response.status() + ": " + response.body());
        }
    }

    protected static String token(String label) {
        return label + "-" + randomId();
    }
}
