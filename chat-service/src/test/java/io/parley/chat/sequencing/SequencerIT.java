package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.config.ChatSettings;
import io.parley.chat.conversation.Conversations;
import io.parley.chat.conversation.GroupMembership;
import io.parley.chat.session.SessionDirectory;
import io.parley.chat.session.SessionDirectoryTopic;
import io.parley.chat.session.SessionRegistry;
import io.parley.chat.store.MessageStore;
import io.parley.chat.sync.SyncPage;
import io.parley.chat.sync.SyncService;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeId;
import io.parley.testsupport.RealInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Steps 4 and 5 of docs/design.md on a real broker and a real Cassandra node: records go in on
 * {@code parley.messages.submitted}, and the test checks the rows written and the records published,
 * reading them back with plain clients.
 */
@SpringBootTest(classes = SequencerIT.Context.class, properties = {
        "parley.chat.node-id=sequencer-it",
        // Two threads each, so that partitions of the test topics are spread over them.
        "parley.chat.sequencer.stream-threads=2",
        "parley.chat.sequencer.storage-threads=2",
        "parley.chat.sequencer.retry-max-interval=1s",
        // Short, so that a test can outlive it and see an old retry checked against the store.
        "parley.chat.sequencer.recent-window=10s"
})
// Closed after this class: Spring would otherwise keep the context, and its sequencer (with the
// 10 s window) and storage consumers, alive in the shared parley-sequencer and parley-storage groups
// while later ITs of this JVM run: a conversation of ChatNodeCrashIT that moves to this node after
// a kill would be de-duplicated with the short window, not the window the product runs with.
@DirtiesContext
class SequencerIT {

    /**
     * The sequencer, the store, sync and the real {@link Conversations} on Boot's Kafka and
     * Cassandra auto-configuration, without the WebSocket tier. Nested in the test class so that
     * the application's component scan (tests of other packages boot it) never picks it up.
     */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({KafkaAutoConfiguration.class, CassandraAutoConfiguration.class})
    @EnableConfigurationProperties(ChatSettings.class)
    @Import({MessageStore.class, SyncService.class, Conversations.class, GroupMembership.class, SessionDirectory.class,
            SessionDirectoryTopic.class, SessionRegistry.class,
            StoredSequenceHistory.class, SequencerStreamsConfig.class, FanOut.class, StorageListener.class,
            SequencerKafkaConfig.class, SequencedMembers.class, DeadLetters.class})
    static class Context {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        /** Only 1:1 conversation creation takes ids, which these tests do not exercise. */
        @Bean
        IdGenerator ids() {
            AtomicLong next = new AtomicLong(System.nanoTime());
            return next::incrementAndGet;
        }
    }

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @Autowired
    CqlSession cql;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    @Autowired
    SyncService sync;

    @Autowired
    KafkaProperties kafkaProperties;

    @Autowired
    SequencerSettings sequencerSettings;

    @Autowired
    SequenceHistory history;

    @Autowired
    DeadLetters deadLetters;

    @Autowired
    StreamsBuilderFactoryBean sequencerStreams;

    @Test
    void concurrentProducersGetDenseSeqsInKafkaOrder() throws Exception {
        long alice = randomId();
        long bob = randomId();
        long conversation = conversation(alice, bob);
        int perProducer = 40;

        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> publishMany(conversation, alice, perProducer));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> publishMany(conversation, bob, perProducer));
        CompletableFuture.allOf(first, second).join();

        int total = 2 * perProducer;
        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() == total);
        List<Row> rows = storedRows(conversation);
        assertThat(rows).extracting(row -> row.getLong("seq"))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());

        // The partition's order is the conversation's order.
        List<Long> kafkaOrder = submittedInKafkaOrder(conversation, total);
        assertThat(rows).extracting(row -> row.getLong("message_id")).containsExactlyElementsOf(kafkaOrder);
        for (Row row : rows) {
            assertThat(position(row.getLong("message_id"))).isEqualTo(row.getLong("seq"));
        }

        // Sync reads back exactly what was sequenced, in seq order, from any cursor.
        SyncPage everything = sync.sync(bob, Map.of(), 1000);
        assertThat(everything.messages()).extracting(StoredMessage::messageId).containsExactlyElementsOf(kafkaOrder);
        assertThat(everything.more()).isFalse();
        SyncPage tail = sync.sync(bob, Map.of(conversation, 70L), 1000);
        assertThat(tail.messages()).extracting(StoredMessage::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(71, total).boxed().toList());
    }

    @Test
    void republishedMessageKeepsItsFirstSeqAndContent() throws Exception {
        long sender = randomId();
        long conversation = conversation(sender, randomId());
        MessageSubmitted first = submitted(conversation, sender, "first");
        MessageSubmitted second = submitted(conversation, sender, "second");
        MessageSubmitted third = submitted(conversation, sender, "third");
        // A client retry after a node crash publishes the same message id again; even if the retry
        // carried other text, the message stays as it was first stored.
        MessageSubmitted retry = new MessageSubmitted(first.messageId(), conversation, sender, "other-session",
                first.clientMessageId(), "changed by the retry", first.sentAt());

        publish(first);
        publish(second);
        publish(retry);
        publish(third);

        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() >= 3);
        assertThat(storedRows(conversation)).extracting(row -> row.getLong("message_id"))
                .containsExactly(first.messageId(), second.messageId(), third.messageId());
        assertThat(position(first.messageId())).isEqualTo(1);
        assertThat(newestSeq(conversation)).isEqualTo(3);
        assertThat(sync.sync(sender, Map.of(), 10).messages()).extracting(StoredMessage::text)
                .containsExactly("first", "second", "third");
    }

    @Test
    void retryOlderThanTheSequencerRemembersIsFoundInTheStore() throws Exception {
        long sender = randomId();
        long conversation = conversation(sender, randomId());
        // First accepted a minute ago (the window is 10 s): the sequencer asks the store whether it
        // is there; it is not, so it is sequenced.
        long acceptedAt = System.currentTimeMillis() - 60_000;
        MessageSubmitted old = new MessageSubmitted(randomId(), conversation, sender, "origin", "client-old",
                "accepted a minute ago", acceptedAt);
        publish(old);
        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() >= 1);

        // Long after the sequencer forgot it, the client's retry is published again.
        Thread.sleep(sequencerSettings.recentWindow().plusSeconds(5).toMillis());
        MessageSubmitted retry = new MessageSubmitted(old.messageId(), conversation, sender, "other-session",
                old.clientMessageId(), "changed by the retry", acceptedAt);
        MessageSubmitted next = submitted(conversation, sender, "next");
        publish(retry);
        publish(next);

        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() >= 2);
        assertThat(storedRows(conversation)).extracting(row -> row.getLong("message_id"))
                .containsExactly(old.messageId(), next.messageId());
        assertThat(newestSeq(conversation)).isEqualTo(2);
        assertThat(sync.sync(sender, Map.of(), 10).messages()).extracting(StoredMessage::text)
                .containsExactly("accepted a minute ago", "next");
    }

    @Test
    void recordsThatCanNeverBeStoredAreSetAsideAndTheConversationsBehindThemKeepFlowing() throws Exception {
        long sender = randomId();
        long conversation = conversation(sender, randomId());
        MessageSubmitted before = submitted(conversation, sender, "before");
        MessageSubmitted after = submitted(conversation, sender, "after");
        long poisonId = randomId();
        // What a client could once get acked: text with an unpaired UTF-16 surrogate, which
        // Cassandra's text codec refuses on every attempt. And bytes that are no message at all.
        String unpairedSurrogate = """
                {"messageId":%d,"conversationId":%d,"senderId":%d,"senderSessionId":"origin",\
                "clientMessageId":"c-poison","text":"bad \\udc00 text","sentAt":1}""".formatted(poisonId, conversation, sender);
        String notJson = "{not json";
        String key = Long.toString(conversation);

        publish(before);
        publishRaw(key, unpairedSurrogate);
        publishRaw(key, notJson);
        publish(after);

        // Same key, so the same partition: "after" is sequenced only if the partition moved past both.
        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() >= 2);
        assertThat(storedRows(conversation)).extracting(row -> row.getLong("message_id"))
                .containsExactly(before.messageId(), after.messageId());
        assertThat(newestSeq(conversation)).isEqualTo(2); // no seq was given to the poison: no hole
        assertThat(sync.sync(sender, Map.of(), 10).messages()).extracting(StoredMessage::text)
                .containsExactly("before", "after");

        List<ConsumerRecord<String, String>> deadLetters = readRawUntil(Topics.MESSAGES_DEAD_LETTER,
                r -> r.value().equals(notJson));
        assertThat(deadLetters).filteredOn(r -> r.value().equals(unpairedSurrogate)).singleElement()
                .satisfies(r -> {
                    assertThat(r.key()).isEqualTo(key);
                    assertThat(new String(r.headers().lastHeader("kafka_dlt-original-topic").value()))
                            .isEqualTo(Topics.MESSAGES_SUBMITTED);
                    assertThat(new String(r.headers().lastHeader("kafka_dlt-exception-message").value()))
                            .contains("text is not valid Unicode");
                });
        assertThat(deadLetters).filteredOn(r -> r.value().equals(notJson)).hasSize(1);
    }

    @Test
    void partitionsMovingBetweenSequencersMidStreamNeitherShareNorSkipASeq() throws Exception {
        // Every partition moves twice while a conversation streams in: from this context's sequencer
        // to a second instance (another chat node) and back. Each move hands the last seq over
        // through the store's changelog, as of the last committed transaction.
        long alice = randomId();
        long bob = randomId();
        long conversation = conversation(alice, bob);
        int perPhase = 40;
        streamFromBoth(conversation, alice, bob, perPhase);

        Topology topology = new Topology();
        SequencerStreamsConfig.addSequencer(topology, history, deadLetters, sequencerSettings, Clock.systemUTC());
        KafkaStreams other = new KafkaStreams(topology, new StreamsConfig(SequencerStreamsConfig.properties(
                kafkaProperties, "sequencer-it-second", sequencerSettings)));
        try {
            other.start();
            CompletableFuture<Void> during = CompletableFuture.runAsync(
                    () -> streamFromBoth(conversation, alice, bob, perPhase));
            sequencerStreams.stop();
            await().atMost(PATIENCE).until(() -> activeTasks(other) == sequencerSettings.topicPartitions());
            during.join();
            streamFromBoth(conversation, alice, bob, perPhase); // only the second instance sequences these

            sequencerStreams.start();
            CompletableFuture<Void> back = CompletableFuture.runAsync(
                    () -> streamFromBoth(conversation, alice, bob, perPhase));
            other.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
            back.join();
        } finally {
            other.close(Duration.ofSeconds(30));
            other.cleanUp();
            if (!sequencerStreams.isRunning()) {
                sequencerStreams.start();
            }
        }

        int total = 4 * 2 * perPhase;
        await().atMost(PATIENCE).until(() -> storedRows(conversation).size() >= total);
        List<Row> rows = storedRows(conversation);
        assertThat(rows).extracting(row -> row.getLong("seq"))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(rows).extracting(row -> row.getLong("message_id"))
                .containsExactlyElementsOf(submittedInKafkaOrder(conversation, total));
    }

    private static void streamFromBoth(long conversation, long alice, long bob, int each) {
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> publishMany(conversation, alice, each)),
                CompletableFuture.runAsync(() -> publishMany(conversation, bob, each))).join();
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
    }

    @Test
    void routesOneDeliveryPerRecipientAndNodeAndNotifiesOnlyOfflineMembers() throws Exception {
        String nodeX = "it-x-" + randomId();
        String nodeY = "it-y-" + randomId();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", RealInfrastructure.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.nodeDeliveries(nodeX), 2, (short) 1),
                    new NewTopic(Topics.nodeDeliveries(nodeY), 2, (short) 1))).all().get();
        }
        // A chat node creates its topic when it starts, long before anything is routed to it. A
        // topic used within milliseconds of its creation can answer NOT_LEADER and stall the shared
        // idempotent producer until its delivery timeout (the handler is then retried, duplicating
        // deliveries), so wait for the partition leaders to take writes first.
        warmUp(Topics.nodeDeliveries(nodeX), Topics.nodeDeliveries(nodeY));
        long sender = randomId();
        long online = randomId();
        long offline = randomId();
        long conversation = conversation(sender, online, offline);
        session(sender, "origin", nodeX);      // the sending device
        session(sender, "sender-phone", nodeY); // the sender's other device
        session(online, "online-1", nodeX);
        session(online, "online-2", nodeX);
        session(online, "online-3", nodeY);

        MessageSubmitted message = submitted(conversation, sender, "hello");
        publish(message);
        // A later message of the same conversation is routed only after the first one's records
        // were acknowledged, so once its records are seen, the first one's are all in the topics.
        MessageSubmitted marker = submitted(conversation, sender, "marker");
        publish(marker);

        List<MessageDelivery> onX = readUntil(Topics.nodeDeliveries(nodeX), MessageDelivery.class,
                d -> d.message().messageId() == marker.messageId());
        List<MessageDelivery> onY = readUntil(Topics.nodeDeliveries(nodeY), MessageDelivery.class,
                d -> d.message().messageId() == marker.messageId());
        List<OfflineNotificationRequested> notifications = readUntil(Topics.NOTIFICATIONS_OFFLINE,
                OfflineNotificationRequested.class, n -> n.message().messageId() == marker.messageId());

        // One record per (message, node) naming the recipients there. The sender is routed to like
        // any member: node X for the sending device (that is how it learns the seq), node Y for its
        // other device.
        assertThat(recordsOf(onX, message)).singleElement().satisfies(delivery -> {
            assertThat(delivery.recipientIds()).containsExactlyInAnyOrder(online, sender);
            assertThat(delivery.message()).isEqualTo(new StoredMessage(message.messageId(), conversation, 1, sender,
                    message.clientMessageId(), "hello", message.sentAt()));
        });
        assertThat(recordsOf(onY, message)).singleElement()
                .satisfies(delivery -> assertThat(delivery.recipientIds()).containsExactlyInAnyOrder(online, sender));

        List<Long> notified = notifications.stream()
                .filter(n -> n.message().messageId() == message.messageId())
                .map(OfflineNotificationRequested::recipientId).toList();
        assertThat(notified).containsExactly(offline);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private long conversation(long... members) {
        long conversation = randomId();
        Instant now = Instant.now();
        cql.execute("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, ?, ?)",
                conversation, "group", now);
        for (long member : members) {
            cql.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    conversation, member, now);
            cql.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                    member, conversation, now);
        }
        return conversation;
    }

    /** A session on another node, as that node's session directory would publish it (an instance beat first). */
    private void session(long userId, String sessionId, String nodeId) throws Exception {
        String instance = nodeId + "~it";
        kafka.send(Topics.SESSIONS, "i:" + instance, Map.of("nodeId", nodeId)).get();
        kafka.send(Topics.SESSIONS, "s:" + sessionId + "-" + randomId(),
                Map.of("userId", userId, "nodeId", nodeId, "instanceId", instance)).get();
    }

    /**
     * A message id as a chat node issues it now (a Snowflake of this millisecond): a random id
     * carries a random time, and the sequencer checks a message that looks issued long ago against
     * the store, waiting for storage to catch up, which is not what these tests are about.
     */
    private static long freshMessageId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return SnowflakeId.encode(Instant.now(), random.nextInt(SnowflakeId.MAX_WORKER_ID + 1),
                random.nextInt(SnowflakeId.MAX_SEQUENCE + 1));
    }

    private static MessageSubmitted submitted(long conversation, long sender, String text) {
        long id = freshMessageId();
        return new MessageSubmitted(id, conversation, sender, "origin", "client-" + id, text,
                System.currentTimeMillis());
    }

    private void publishRaw(String key, String json) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.MESSAGES_SUBMITTED, key, json)).get();
        }
    }

    /** Every record of a topic from its beginning up to the first one matching {@code marker}. */
    private static List<ConsumerRecord<String, String>> readRawUntil(String topic,
                                                                  Predicate<ConsumerRecord<String, String>> marker) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.stream().anyMatch(marker);
            });
        }
        return records;
    }

    private void publish(MessageSubmitted message) throws Exception {
        kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(message.conversationId()), message).get();
    }

    /** One producer of its own (like one chat node), publishing as fast as acks allow. */
    private static void publishMany(long conversation, long sender, int count) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(),
                new JacksonJsonSerializer<>().noTypeInfo())) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                MessageSubmitted message = submitted(conversation, sender, "message " + i);
                sent.add(producer.send(new ProducerRecord<>(Topics.MESSAGES_SUBMITTED, Long.toString(conversation), message)));
            }
            for (Future<?> future : sent) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes one record (for nobody: no recipients) to every partition of each topic and waits for the acks. */
    private static void warmUp(String... topics) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        MessageDelivery nobody = new MessageDelivery(List.of(), new StoredMessage(0, 0, 0, 0, "warm-up", "", 0));
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(),
                new JacksonJsonSerializer<>().noTypeInfo())) {
            for (String topic : topics) {
                for (int partition = 0; partition < producer.partitionsFor(topic).size(); partition++) {
                    producer.send(new ProducerRecord<>(topic, partition, "0", nobody)).get();
                }
            }
        }
    }

    /** The message rows of a conversation's first bucket, ascending by seq. */
    private List<Row> storedRows(long conversation) {
        return cql.execute("SELECT seq, message_id FROM messages WHERE conversation_id = ? AND bucket = 0 ORDER BY seq ASC",
                conversation).all();
    }

    private long position(long messageId) {
        return cql.execute("SELECT seq FROM message_positions WHERE message_id = ?", messageId).one().getLong("seq");
    }

    /** The highest seq stored for the conversation, as the conversation list, history and sequencer read it. */
    private long newestSeq(long conversation) {
        return cql.execute("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?", conversation)
                .one().getLong("last_seq");
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    /** The message ids of one conversation, in the order Kafka holds them. */
    private static List<Long> submittedInKafkaOrder(long conversation, int count) {
        List<Long> ids = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MESSAGES_SUBMITTED).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!record.key().equals(Long.toString(conversation))) {
                        continue; // other tests' records, the poison test's unreadable ones among them
                    }
                    MessageSubmitted message = JSON.readValue(record.value(), MessageSubmitted.class);
                    if (message.conversationId() == conversation) {
                        ids.add(message.messageId());
                    }
                }
                return ids.size() >= count;
            });
        }
        return ids;
    }

    /**
     * Every record of a topic up to the first one matching {@code marker}, and then everything
     * else the topic held at that moment (all partitions read to their end offsets).
     */
    private static <T> List<T> readUntil(String topic, Class<T> type, Predicate<T> marker) {
        List<T> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            await().atMost(PATIENCE).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(JSON.readValue(record.value(), type));
                }
                return values.stream().anyMatch(marker);
            });
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(JSON.readValue(record.value(), type));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return values;
    }

    private static List<MessageDelivery> recordsOf(List<MessageDelivery> deliveries, MessageSubmitted message) {
        return deliveries.stream().filter(d -> d.message().messageId() == message.messageId()).toList();
    }
}
