package io.parley.chat.sequencing;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.id.SnowflakeId;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each message its dense place in its conversation (docs/design.md, step 4): the next seq
 * after the conversation's last, kept in a state store of the Kafka Streams task that owns the
 * conversation's partition.
 *
 * <p>Nothing here races: Kafka Streams runs this processor exactly once per input record
 * ({@code exactly_once_v2}). The seq it hands out, the updated last seq and the input offset are
 * committed in one Kafka transaction; a task that crashes or stalls past its poll interval (a
 * zombie) is fenced by the group's generation, its transaction is aborted, and its successor
 * restores the store from its changelog as of the last commit. So a seq never names two messages
 * and none is skipped, without a Paxos round per message.
 *
 * <p>One message per (sender, client message id), and per message id for system messages (which
 * have no client id): a client's retry is re-published under its first message id, two racing
 * first attempts of one client id under two (see {@code ClientMessageClaims}); the store
 * remembers the keys of the last {@code recentWindow}, so every copy after the first is dropped.
 * A message first issued before that (its id's timestamp or its {@code sentAt} says so) and every
 * system message the store does not remember (api-service redoes a change under its first id,
 * maybe much later) is checked against the stored positions instead; for a client message only
 * once storage has caught up with the conversation, since a forgotten message may be unstored yet.
 *
 * <p>A record that can never be sequenced ({@link SequencerInput}) goes whole to the dead-letter
 * topic, in the same transaction, before any seq is given to it: no hole, no stop.
 */
final class SequencingProcessor implements Processor<String, byte[], String, byte[]> {

    static final String LAST_SEQ_STORE = "sequencer-last-seq";
    static final String RECENT_MESSAGES_STORE = "sequencer-recent-messages";
    static final String TO_SEQUENCED = "to-sequenced";
    static final String TO_DEAD_LETTERS = "to-dead-letters";

    /**
     * How long an old retry may hold the stream thread waiting for storage (well inside the
     * transaction timeout, 10 s); then its record is failed and taken up again later.
     */
    static final Duration STORAGE_CATCH_UP_WAIT = Duration.ofSeconds(2);
    private static final Duration STORAGE_POLL = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(SequencingProcessor.class);

    private final SequenceHistory history;
    private final DeadLetters deadLetters;
    private final Duration recentWindow;
    private final Clock clock;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<Long, Long> lastSeq;
    private KeyValueStore<String, Long> recentMessages;

    SequencingProcessor(SequenceHistory history, DeadLetters deadLetters, Duration recentWindow, Clock clock) {
        this.history = history;
        this.deadLetters = deadLetters;
        this.recentWindow = recentWindow;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.lastSeq = context.getStateStore(LAST_SEQ_STORE);
        this.recentMessages = context.getStateStore(RECENT_MESSAGES_STORE);
        Duration every = recentWindow.dividedBy(4);
        context.schedule(every.isZero() ? Duration.ofSeconds(1) : every, PunctuationType.WALL_CLOCK_TIME,
                now -> forgetOlderThan(clock.millis() - recentWindow.toMillis()));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        SequencerInput.Read read = SequencerInput.read(record.value());
        if (read instanceof SequencerInput.Poison poison) {
            RecordMetadata origin = context.recordMetadata().orElseThrow();
            context.forward(deadLetters.setAside(record, origin, poison.reason()), TO_DEAD_LETTERS);
            return;
        }
        MessageSubmitted message = ((SequencerInput.Readable) read).message();
        if (isKnown(message)) {
            log.debug("Message {} of conversation {} is sequenced already (a client retry); dropped",
                    message.messageId(), message.conversationId());
            return;
        }
        Long last = lastSeq.get(message.conversationId());
        long seq = (last != null ? last : history.newestSeq(message.conversationId())) + 1;
        lastSeq.put(message.conversationId(), seq);
        recentMessages.put(dedupKey(message), clock.millis());
        StoredMessage sequenced = new StoredMessage(message.messageId(), message.conversationId(), seq,
                message.senderId(), message.clientMessageId(), message.text(), message.sentAt(), message.kind(),
                message.system());
        context.forward(new Record<>(Long.toString(message.conversationId()), SequencedRecords.write(sequenced),
                record.timestamp(), new RecordHeaders()), TO_SEQUENCED);
    }

    private boolean isKnown(MessageSubmitted message) {
        if (recentMessages.get(dedupKey(message)) != null) {
            return true;
        }
        if (message.clientMessageId() == null) {
            return history.isStored(message.messageId());
        }
        // Issued long enough ago that the store may have forgotten it: ask what is stored. Half
        // the window, so that clock differences between nodes cannot hide a retry.
        long issuedAt = Math.min(message.sentAt(), SnowflakeId.timestampMillis(message.messageId()));
        boolean old = issuedAt < clock.millis() - recentWindow.toMillis() / 2;
        return old && isStoredOnceStorageCaughtUp(message);
    }

    /**
     * Whether an old client message is stored, asked so that the answer can be trusted: storage
     * runs behind the sequencer (a commit interval normally, much longer while Cassandra is down
     * or a node's partitions move), so a message this task sequenced and then forgot can be
     * unstored yet. "Not stored" counts only once storage has written every seq this task gave the
     * conversation; until then this waits, and past {@link #STORAGE_CATCH_UP_WAIT} it fails the
     * record, which is taken up again from the last commit (never skipped, never guessed). What
     * remains: storage writes a poll's positions just after its rows, so a retry judged in that
     * instant, for a message forgotten (two minutes old) in that very poll, could still pass.
     */
    private boolean isStoredOnceStorageCaughtUp(MessageSubmitted message) {
        if (history.isStored(message.messageId())) {
            return true;
        }
        Long last = lastSeq.get(message.conversationId());
        if (last == null) {
            return false; // the state holds no seq of the conversation: nothing of it can be unstored
        }
        long deadline = System.nanoTime() + STORAGE_CATCH_UP_WAIT.toNanos();
        while (history.newestSeq(message.conversationId()) < last) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("storage has not yet written conversation " + message.conversationId()
                        + " up to seq " + last + ": cannot tell whether old message " + message.messageId()
                        + " is a retry; trying again");
            }
            pause(STORAGE_POLL);
        }
        return history.isStored(message.messageId());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for storage", e);
        }
    }

    /** What makes two records one message: the sender's client message id, or the message id if none. */
    static String dedupKey(MessageSubmitted message) {
        return message.clientMessageId() != null
                ? "c:" + message.senderId() + ":" + message.clientMessageId()
                : "m:" + message.messageId();
    }

    private void forgetOlderThan(long cutoff) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = recentMessages.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (entry.value < cutoff) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(recentMessages::delete);
    }
}
