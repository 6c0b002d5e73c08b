package io.parley.api.support;

import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What api-service published on parley.messages.submitted, read from the real broker. Close after use. */
public final class PublishedMessages implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    public PublishedMessages() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "published-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.MESSAGES_SUBMITTED));
    }

    /**
     * Every record published for the conversation so far, in partition order: waits until there are
     * at least {@code atLeast}, then reads on for {@code settle} so that an extra one would be seen.
     */
    public List<JsonNode> of(String conversationId, int atLeast, Duration settle) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<JsonNode> mine;
        do {
            mine = poll(conversationId);
        } while (mine.size() < atLeast && System.nanoTime() < deadline);
        long settled = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < settled) {
            mine = poll(conversationId);
        }
        return mine;
    }

    /** The system events of {@link #of}, e.g. {@code ["group_created", "member_added"]}. */
    public List<String> events(String conversationId, int atLeast, Duration settle) {
        return of(conversationId, atLeast, settle).stream().map(m -> m.get("system").get("event").asString()).toList();
    }

    private List<JsonNode> poll(String conversationId) {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen.stream().filter(r -> conversationId.equals(r.key())).map(r -> JSON.readTree(r.value())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
