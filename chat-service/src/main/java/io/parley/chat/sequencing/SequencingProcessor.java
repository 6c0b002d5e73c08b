package io.parley.chat.sequencing;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.id.SnowflakeId;
import java.nio.ByteBuffer;
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
 * remembers the keys it sequenced in the last {@code recentWindow}, so every copy after the first
 * is dropped. It also remembers the latest issue time of anything it has forgotten: a client
 * message issued (by its id's timestamp or its {@code sentAt}) no later than that, plus half the
 * window for clocks that disagree, may be a retry of a forgotten one and is checked against the
 * stored positions, once storage has caught up with the conversation (a forgotten message may be
 * unstored yet); so is every system message the store does not remember (api-service redoes a
 * change under its first id, maybe much later). A first attempt that merely waited in a backlog is
 * newer than anything forgotten, so a backlog costs no storage reads and no waits.
 *
 * <p>A record that can never be sequenced ({@link SequencerInput}) goes whole to the dead-letter
 * topic, in the same transaction, before any seq is given to it: no hole, no stop.
 */
final class SequencingProcessor implements Processor<String, byte[], String, byte[]> {

    static final String LAST_SEQ_STORE = "sequencer-last-seq";
    /** Dedup key to {@link Remembered} (sequenced at, issued at). */
    static final String RECENT_MESSAGES_STORE = "sequencer-recent-messages";
    /** The entry of {@link #RECENT_MESSAGES_STORE} that holds the latest issue time of anything forgotten. */
    static final String FORGOTTEN_KEY = "~forgotten";
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
    private KeyValueStore<String, byte[]> recentMessages;

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
        recentMessages.put(dedupKey(message), new Remembered(clock.millis(), issuedAt(message)).bytes());
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
        // Issued early enough that the store may have forgotten it: ask what is stored. Half the
        // window of slack, so that clock differences between nodes cannot hide a retry.
        boolean mayBeForgotten = issuedAt(message) < forgottenIssuedUpTo() + recentWindow.toMillis() / 2;
        return mayBeForgotten && isStoredOnceStorageCaughtUp(message);
    }

    /** When the message was first issued: a retry carries its first attempt's id and time. */
    private static long issuedAt(MessageSubmitted message) {
        return Math.min(message.sentAt(), SnowflakeId.timestampMillis(message.messageId()));
    }

    /**
     * The latest issue time of anything this store has forgotten. Without an entry yet (a new
     * store, or one written before the entry existed) it is one window before now: whatever such a
     * store forgot was sequenced, hence issued, before that.
     */
    private long forgottenIssuedUpTo() {
        byte[] forgotten = recentMessages.get(FORGOTTEN_KEY);
        if (forgotten != null) {
            return Remembered.of(forgotten).issuedAt();
        }
        long upTo = clock.millis() - recentWindow.toMillis();
        recentMessages.put(FORGOTTEN_KEY, new Remembered(upTo, upTo).bytes());
        return upTo;
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

    /** Forgets what was sequenced before the cutoff, raising the forgotten issue time to cover it. */
    private void forgetOlderThan(long cutoff) {
        List<String> expired = new ArrayList<>();
        long forgottenUpTo = forgottenIssuedUpTo();
        long raised = forgottenUpTo;
        try (KeyValueIterator<String, byte[]> all = recentMessages.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                Remembered remembered = Remembered.of(entry.value);
                if (!entry.key.equals(FORGOTTEN_KEY) && remembered.sequencedAt() < cutoff) {
                    expired.add(entry.key);
                    raised = Math.max(raised, remembered.issuedAt());
                }
            }
        }
        if (raised > forgottenUpTo) {
            // Before the deletes, in the same transaction: the store never forgets more than it admits.
            recentMessages.put(FORGOTTEN_KEY, new Remembered(cutoff, raised).bytes());
        }
        expired.forEach(recentMessages::delete);
    }

    /** A value of {@link #RECENT_MESSAGES_STORE}: when the key was sequenced, and when its message was issued. */
    record Remembered(long sequencedAt, long issuedAt) {

        byte[] bytes() {
            return ByteBuffer.allocate(2 * Long.BYTES).putLong(sequencedAt).putLong(issuedAt).array();
        }

        /** Also reads the values of earlier versions, a bare sequenced-at: taken as the issue time too (not earlier). */
        static Remembered of(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long sequencedAt = buffer.getLong();
            return new Remembered(sequencedAt, buffer.hasRemaining() ? buffer.getLong() : sequencedAt);
        }
    }
}
