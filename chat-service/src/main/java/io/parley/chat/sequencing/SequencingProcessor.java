package io.parley.chat.sequencing;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.id.SnowflakeId;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * remembers the keys it sequenced, so every copy after the first is dropped. It forgets a key once
 * it was sequenced over {@code recentWindow} ago <em>and</em> storage holds its message, so a
 * forgotten message is always a stored one, and it keeps the latest issue time of anything it
 * forgot. A client message issued (by its id's timestamp or its {@code sentAt}) no later than
 * that, plus half the window for clocks that disagree, may be a retry of a forgotten one and is
 * looked up in the stored positions, one read that is never waited on; so is every system message
 * the store does not remember (api-service redoes a change under its first id, maybe much later).
 * A first attempt that merely waited in a backlog is newer than anything forgotten: no read.
 *
 * <p>A record that can never be sequenced ({@link SequencerInput}) goes whole to the dead-letter
 * topic, in the same transaction, before any seq is given to it: no hole, no stop.
 */
final class SequencingProcessor implements Processor<String, byte[], String, byte[]> {

    static final String LAST_SEQ_STORE = "sequencer-last-seq";
    /** Dedup key to {@link Remembered}: when, which message, issued when. */
    static final String RECENT_MESSAGES_STORE = "sequencer-recent-messages";
    /**
     * Conversations whose stored positions one round of forgetting asks for (all at once, inside
     * the task's transaction): the rest keep their entries for the next round.
     */
    static final int MAX_LOOKUPS_PER_ROUND = 5_000;
    /** The entry of {@link #RECENT_MESSAGES_STORE} that holds the latest issue time of anything forgotten. */
    static final String FORGOTTEN_KEY = "~forgotten";
    static final String TO_SEQUENCED = "to-sequenced";
    static final String TO_DEAD_LETTERS = "to-dead-letters";

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
        recentMessages.put(dedupKey(message), new Remembered(clock.millis(), issuedAt(message),
                message.conversationId(), seq, message.messageId()).bytes());
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
        // Issued early enough that the store may have forgotten it: what it forgot is stored, so
        // one read answers. Half a window of slack, so that clock differences cannot hide a retry.
        boolean mayBeForgotten = issuedAt(message) < forgottenIssuedUpTo() + recentWindow.toMillis() / 2;
        return mayBeForgotten && history.isStored(message.messageId());
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
        recentMessages.put(FORGOTTEN_KEY, Remembered.forgottenUpTo(upTo).bytes());
        return upTo;
    }

    /** What makes two records one message: the sender's client message id, or the message id if none. */
    static String dedupKey(MessageSubmitted message) {
        return message.clientMessageId() != null
                ? "c:" + message.senderId() + ":" + message.clientMessageId()
                : "m:" + message.messageId();
    }

    /**
     * Forgets what was sequenced before the cutoff and is stored: per conversation, the newest of
     * those entries is looked up in the stored positions (storage writes a conversation's messages
     * in seq order, positions last), so one read per conversation vouches for all of them. What
     * storage does not hold yet is kept for a later round; that is what lets a retry of a
     * forgotten message be answered by one read, never by waiting for storage.
     */
    private void forgetOlderThan(long cutoff) {
        Map<Long, List<Map.Entry<String, Remembered>>> byConversation = new HashMap<>();
        try (KeyValueIterator<String, byte[]> all = recentMessages.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                Remembered remembered = Remembered.of(entry.value);
                if (!entry.key.equals(FORGOTTEN_KEY) && remembered.sequencedAt() < cutoff) {
                    byConversation.computeIfAbsent(remembered.conversationId(), c -> new ArrayList<>())
                            .add(Map.entry(entry.key, remembered));
                }
            }
        }
        Map<Long, Long> newestMessageOf = new HashMap<>();
        for (var conversation : byConversation.entrySet()) {
            if (conversation.getKey() != Remembered.UNKNOWN && newestMessageOf.size() < MAX_LOOKUPS_PER_ROUND) {
                newestMessageOf.put(conversation.getKey(), conversation.getValue().stream().map(Map.Entry::getValue)
                        .max(Comparator.comparingLong(Remembered::seq)).orElseThrow().messageId());
            }
        }
        Set<Long> stored = storedNow(newestMessageOf.values());

        long forgottenUpTo = forgottenIssuedUpTo();
        long raised = forgottenUpTo;
        List<String> expired = new ArrayList<>();
        for (var conversation : byConversation.entrySet()) {
            boolean vouched = conversation.getKey() == Remembered.UNKNOWN
                    || stored.contains(newestMessageOf.get(conversation.getKey()));
            if (!vouched) {
                continue; // not stored yet, or not asked this round: kept for a later one
            }
            for (Map.Entry<String, Remembered> entry : conversation.getValue()) {
                expired.add(entry.getKey());
                raised = Math.max(raised, entry.getValue().issuedAt());
            }
        }
        if (raised > forgottenUpTo) {
            // Before the deletes, in the same transaction: the store never forgets more than it admits.
            recentMessages.put(FORGOTTEN_KEY, Remembered.forgottenUpTo(raised).bytes());
        }
        expired.forEach(recentMessages::delete);
    }

    /** Position reads that may fail (Cassandra down): then the entries are simply kept longer. */
    private Set<Long> storedNow(Collection<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return Set.of();
        }
        try {
            return history.storedAmong(messageIds);
        } catch (RuntimeException e) {
            log.debug("could not read the positions of {} messages; remembering them longer: {}", messageIds.size(),
                    e.toString());
            return Set.of();
        }
    }

    /**
     * A value of {@link #RECENT_MESSAGES_STORE}: when the key was sequenced, when its message was
     * issued, and which message it is (conversation, seq, message id).
     */
    record Remembered(long sequencedAt, long issuedAt, long conversationId, long seq, long messageId) {

        /** The conversation of an entry written before entries named their message. */
        static final long UNKNOWN = -1;

        static Remembered forgottenUpTo(long issuedAt) {
            return new Remembered(issuedAt, issuedAt, UNKNOWN, 0, 0);
        }

        byte[] bytes() {
            return ByteBuffer.allocate(5 * Long.BYTES).putLong(sequencedAt).putLong(issuedAt)
                    .putLong(conversationId).putLong(seq).putLong(messageId).array();
        }

        /**
         * Also reads the values of earlier versions, a bare sequenced-at: taken as the issue time
         * too (not earlier), of an unknown message (forgotten on time, as those versions did).
         */
        static Remembered of(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long sequencedAt = buffer.getLong();
            if (!buffer.hasRemaining()) {
                return new Remembered(sequencedAt, sequencedAt, UNKNOWN, 0, 0);
            }
            return new Remembered(sequencedAt, buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        }
    }
}
