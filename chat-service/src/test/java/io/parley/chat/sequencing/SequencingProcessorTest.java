package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.SystemEvent;
import io.parley.id.SnowflakeId;
import io.parley.common.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

/** The sequencer's topology in Kafka's test driver, with an in-memory stand-in for the store's history. */
class SequencingProcessorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-12-03T07:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(2);

    /** What Cassandra would answer: newest seqs of conversations sequenced before, stored message ids. */
    private final Map<Long, Long> storedNewestSeq = new HashMap<>();
    private final Set<Long> storedMessages = new HashSet<>();
    /** Reads of the stand-in store, by the processor's records (the rounds of forgetting not counted). */
    private int newestSeqReads;
    private int positionReads;
    private final SequenceHistory history = new SequenceHistory() {
        @Override
        public long newestSeq(long conversationId) {
            newestSeqReads++;
            return storedNewestSeq.getOrDefault(conversationId, 0L);
        }

        @Override
        public boolean isStored(long messageId) {
            positionReads++;
            return storedMessages.contains(messageId);
        }

        @Override
        public Set<Long> storedAmong(Collection<Long> messageIds) {
            return messageIds.stream().filter(storedMessages::contains).collect(Collectors.toSet());
        }
    };

    private final MovableClock clock = new MovableClock();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> submitted;
    private TestOutputTopic<String, byte[]> sequenced;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void start() {
        SequencerSettings settings = new SequencerSettings(1, 1, Duration.ofSeconds(1), 500, 8, 16, (short) 1, Duration.ofSeconds(10),
                Duration.ofSeconds(60), Duration.ofMillis(10), WINDOW);
        Topology topology = new Topology();
        SequencerStreamsConfig.addSequencer(topology, history, new DeadLetters(new StaticListableBeanFactory()
                .getBeanProvider(MeterRegistry.class)), settings,
                clock);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sequencer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology, props, NOW);
        submitted = driver.createInputTopic(Topics.MESSAGES_SUBMITTED, new StringSerializer(), new ByteArraySerializer());
        sequenced = driver.createOutputTopic(Topics.MESSAGES_SEQUENCED, new StringDeserializer(),
                new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.MESSAGES_DEAD_LETTER, new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void conversationsGetDenseSeqsInInputOrderEachFromOne() {
        submit(message(101, 1, "a"));
        submit(message(201, 2, "x"));
        submit(message(102, 1, "b"));
        submit(message(103, 1, "c"));
        submit(message(202, 2, "y"));

        List<StoredMessage> out = sequencedMessages();
        assertThat(out).extracting(StoredMessage::messageId, StoredMessage::conversationId, StoredMessage::seq)
                .containsExactly(
                        tuple(id(101), 1L, 1L),
                        tuple(id(201), 2L, 1L),
                        tuple(id(102), 1L, 2L),
                        tuple(id(103), 1L, 3L),
                        tuple(id(202), 2L, 2L));
        assertThat(out.get(0)).isEqualTo(new StoredMessage(id(101), 1, 1, 7, "client-101", "a", NOW.toEpochMilli()));
    }

    @Test
    void conversationSequencedBeforeTheStateExistedContinuesAfterItsStoredSeqs() {
        storedNewestSeq.put(5L, 41L);
        submit(message(501, 5, "continues"));
        submit(message(502, 5, "and on"));

        assertThat(sequencedMessages()).extracting(StoredMessage::seq).containsExactly(42L, 43L);
    }

    @Test
    void retryOfARecentMessageIsDroppedEvenWithOtherText() {
        submit(message(101, 1, "first"));
        submit(message(101, 1, "changed by a retry"));
        submit(message(102, 1, "next"));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq, StoredMessage::text)
                .containsExactly(tuple(id(101), 1L, "first"),
                        tuple(id(102), 2L, "next"));
    }

    @Test
    void racingFirstAttemptsOfOneClientIdMakeOneMessage() {
        // Two nodes accepted the same client id at once, each under a message id of its own.
        submit(new MessageSubmitted(id(101), 1, 7, "phone-1", "client-x", "sent twice", NOW.toEpochMilli()));
        submit(new MessageSubmitted(id(102), 1, 7, "phone-2", "client-x", "sent twice", NOW.toEpochMilli()));
        // Another sender may use the same client id.
        submit(new MessageSubmitted(id(103), 1, 8, "laptop", "client-x", "someone else", NOW.toEpochMilli()));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(101), 1L), tuple(id(103), 2L));
    }

    @Test
    void systemMessageRedoneAfterTheWindowIsFoundInTheStore() {
        // Ids issued now, so only the system-message rule sends them to the store.
        long redone = SnowflakeId.encode(NOW, 0, 0);
        long fresh = redone + 1;
        SystemEvent added = new SystemEvent(SystemEvent.MEMBER_ADDED, 7, List.of(9L), null, null);
        storedMessages.add(redone);
        submit(MessageSubmitted.system(redone, 4, added, NOW.toEpochMilli()));
        submit(MessageSubmitted.system(fresh, 4, added, NOW.toEpochMilli()));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(fresh, 1L));
    }

    @Test
    void oldMessagesAreCheckedAgainstTheStore() {
        long longAgo = NOW.minus(WINDOW).toEpochMilli();
        storedMessages.add(301L);
        submit(new MessageSubmitted(301, 3, 7, "s", "client-301", "stored long ago", longAgo));
        submit(new MessageSubmitted(302, 3, 7, "s", "client-302", "accepted long ago, never sequenced", longAgo));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(302L, 1L));
    }

    @Test
    void messagesAreRememberedForTheWindowThenTheStoreAnswers() {
        submit(message(101, 1, "first"));
        later(WINDOW.dividedBy(2));
        submit(message(101, 1, "retry within the window"));
        assertThat(sequencedMessages()).hasSize(1);
        assertThat(driver.getKeyValueStore(SequencingProcessor.RECENT_MESSAGES_STORE).get("c:7:client-101")).isNotNull();

        storedMessages.add(id(101)); // stored long since
        storedNewestSeq.put(1L, 1L);
        later(WINDOW);
        assertThat(driver.getKeyValueStore(SequencingProcessor.RECENT_MESSAGES_STORE).get("c:7:client-101")).isNull();
        submit(message(101, 1, "retry after the window"));
        submit(message(102, 1, "next"));
        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(102), 2L));
    }

    @Test
    void aMessageStorageHasNotWrittenIsRememberedPastTheWindowSoItsRetryIsDropped() {
        submit(message(101, 1, "first"));
        later(WINDOW.plusSeconds(1)); // past the window, but storage is behind (nothing stored): kept
        assertThat(driver.getKeyValueStore(SequencingProcessor.RECENT_MESSAGES_STORE).get("c:7:client-101")).isNotNull();

        submit(message(101, 1, "retry of a message storage had not written yet"));
        submit(message(102, 1, "next"));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(101), 1L), tuple(id(102), 2L));
    }

    @Test
    void aMessageIsForgottenOnceStoredAndItsRetryIsThenFoundByOneRead() {
        submit(message(101, 1, "first"));
        later(WINDOW.plusSeconds(1));
        storedMessages.add(id(101)); // storage catches up
        later(WINDOW.dividedBy(4)); // the next round of forgetting
        assertThat(driver.getKeyValueStore(SequencingProcessor.RECENT_MESSAGES_STORE).get("c:7:client-101")).isNull();

        submit(message(101, 1, "retry long after"));
        submit(message(102, 1, "next"));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(101), 1L), tuple(id(102), 2L));
    }

    @Test
    void oldMessageOfAConversationStorageHasCaughtUpWithIsNew() {
        submit(message(101, 1, "first"));
        storedNewestSeq.put(1L, 1L);
        storedMessages.add(id(101));
        later(WINDOW.plusSeconds(1));
        // Accepted long ago (its id is old) but never sequenced: the first attempt died after its claim.
        submit(new MessageSubmitted(102, 1, 7, "s", "client-102", "accepted long ago, published only now",
                NOW.minus(WINDOW).toEpochMilli()));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(101), 1L), tuple(102L, 2L));
    }

    @Test
    void firstAttemptsThatWaitedInABacklogAreNotTakenForOldRetries() {
        submit(message(101, 1, "first"));
        storedMessages.add(id(101));
        later(WINDOW.multipliedBy(2)); // 101 is forgotten: anything issued up to NOW may be a forgotten one
        // Issued almost 1.5 windows ago and only reaching the sequencer now (Kafka ran behind): newer
        // than anything forgotten, so no storage read.
        Instant issued = NOW.plus(WINDOW.dividedBy(2)).plusSeconds(1);
        submit(new MessageSubmitted(SnowflakeId.encode(issued, 0, 102), 1, 7, "s", "client-102", "from the backlog",
                issued.toEpochMilli()));

        assertThat(sequencedMessages()).extracting(StoredMessage::seq).containsExactly(1L, 2L);
        assertThat(positionReads).as("position reads").isZero();
        assertThat(newestSeqReads).as("newest-seq reads").isEqualTo(1); // for the conversation's first message
    }

    /** Moves the processor's clock and the driver's wall clock (which runs the punctuator) together. */
    private void later(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = NOW;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void unreadableRecordsGoWholeToTheDeadLettersAndLeaveNoHole() {
        submit(message(101, 1, "before"));
        String poison = """
                {"messageId":102,"conversationId":1,"senderId":7,"senderSessionId":"s",\
                "clientMessageId":"c","text":"bad \\udc00 text","sentAt":1}""";
        submitted.pipeInput(new TestRecord<>("1", poison.getBytes(StandardCharsets.UTF_8)));
        submitted.pipeInput(new TestRecord<>("1", "{not json".getBytes(StandardCharsets.UTF_8)));
        submit(message(103, 1, "after"));

        assertThat(sequencedMessages()).extracting(StoredMessage::messageId, StoredMessage::seq)
                .containsExactly(tuple(id(101), 1L),
                        tuple(id(103), 2L));
        List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(poison);
        assertThat(dead.get(0).key()).isEqualTo("1");
        assertThat(new String(dead.get(0).headers().lastHeader("kafka_dlt-original-topic").value(),
                StandardCharsets.UTF_8)).isEqualTo(Topics.MESSAGES_SUBMITTED);
        assertThat(new String(dead.get(0).headers().lastHeader("kafka_dlt-exception-message").value(),
                StandardCharsets.UTF_8)).contains("text is not valid Unicode");
        assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    }

    /** The id a node would issue now for message number {@code n}: fresh, not "old". */
    private static long id(long n) {
        return SnowflakeId.encode(NOW, 0, (int) n);
    }

    /** Message number {@code n} of sender 7 (client id {@code client-<n>}), issued now. */
    private static MessageSubmitted message(long n, long conversation, String text) {
        return new MessageSubmitted(id(n), conversation, 7, "s", "client-" + n, text, NOW.toEpochMilli());
    }

    private void submit(MessageSubmitted message) {
        submitted.pipeInput(Long.toString(message.conversationId()), JSON.writeValueAsBytes(message));
    }

    private List<StoredMessage> sequencedMessages() {
        return sequenced.readRecordsToList().stream().map(r -> {
            assertThat(r.key()).isEqualTo(Long.toString(SequencedRecords.read(r.value()).conversationId()));
            return SequencedRecords.read(r.value());
        }).toList();
    }
}
