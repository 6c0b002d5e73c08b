package io.parley.chat.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.parley.common.events.MessageKind;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.SystemEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * The message store: {@code messages} (partitioned by conversation and seq bucket, newest first)
 * and {@code message_positions} (message id to seq), plus what storing a message moves:
 * {@code conversation_activity} (the conversation's newest seq, for the conversation list, history and
 * the sequencer) and the sender's own {@code receipts} marks (you have read what you wrote). Shared by the storage step, which writes,
 * and sync, which reads.
 *
 * <p>Every write is a plain upsert of the same values for the same message, so a replayed Kafka
 * record rewrites identical cells and is harmless. Absent optional values are omitted rather than
 * bound to null: a null would be a tombstone.
 */
@Component
public class MessageStore {

    /** Positions per batch: one partition each, and Cassandra warns about unlogged batches over ten. */
    static final int POSITIONS_PER_BATCH = 10;
    /** A conversation's rows go in one two-partition batch up to this size (Cassandra warns at 5 KiB). */
    static final int COMBINED_BATCH_BYTES = 4 * 1024;

    private static final String COLUMNS = "seq, message_id, sender_id, client_message_id, body, sent_at, "
            + "kind, system_event, system_actor_id, system_target_ids, system_name, system_role";

    private final CqlSession session;
    private final PreparedStatement insertMessage;
    private final PreparedStatement insertPosition;
    private final PreparedStatement raiseActivity;
    private final PreparedStatement raiseSenderMarks;
    private final PreparedStatement selectAfter;
    private final PreparedStatement selectOne;

    MessageStore(CqlSession session) {
        this.session = session;
        this.insertMessage = session.prepare("""
                INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, client_message_id, body, sent_at,
                    kind, system_event, system_actor_id, system_target_ids, system_name, system_role)
                VALUES (:conversation_id, :bucket, :seq, :message_id, :sender_id, :client_message_id, :body, :sent_at,
                    :kind, :system_event, :system_actor_id, :system_target_ids, :system_name, :system_role)""");
        this.insertPosition = session.prepare(
                "INSERT INTO message_positions (message_id, conversation_id, seq) VALUES (?, ?, ?)");
        // USING TIMESTAMP <seq>: the highest seq wins whatever order the writes land in (schema V005).
        this.raiseActivity = session.prepare(
                "UPDATE conversation_activity USING TIMESTAMP ? SET last_seq = ?, last_at = ? WHERE conversation_id = ?");
        this.raiseSenderMarks = session.prepare(
                "UPDATE receipts USING TIMESTAMP ? SET delivered_seq = ?, read_seq = ? WHERE conversation_id = ? AND user_id = ?");
        // The table is clustered newest first; sync reads oldest first within one partition.
        this.selectAfter = session.prepare("""
                SELECT %s FROM messages
                WHERE conversation_id = ? AND bucket = ? AND seq > ? ORDER BY seq ASC LIMIT ?""".formatted(COLUMNS));
        this.selectOne = session.prepare("""
                SELECT %s FROM messages
                WHERE conversation_id = ? AND bucket = ? AND seq = ?""".formatted(COLUMNS));
    }

    /** {@link #saveAll} of one message. */
    public CompletableFuture<Void> save(StoredMessage message) {
        return saveAll(List.of(message));
    }

    /**
     * Writes the messages (of any conversations, each with its seq), the conversations' activity
     * and the senders' marks; then, once every one of those is acknowledged, the messages'
     * positions. The order makes a {@code message_positions} row proof
     * that everything else exists: api-service waits for one to know a group change is applied, and
     * the sequencer trusts one when it checks an old retry.
     *
     * <p>Every request costs Cassandra (and the driver) far more than the few cells it carries, so
     * the rows go in as few unlogged batches as Cassandra takes without complaint:
     * <ul>
     *   <li>per conversation, its {@code messages} rows and its activity and mark rows (all
     *       keyed by the conversation id) in one batch of two partitions when they are small
     *       (under {@link #COMBINED_BATCH_BYTES}, below Cassandra's multi-partition batch warning);
     *       otherwise a batch per partition (single-partition batches have no size limit);</li>
     *   <li>the positions of the whole call in batches of {@link #POSITIONS_PER_BATCH} partitions
     *       (Cassandra warns about unlogged batches over ten partitions).</li>
     * </ul>
     * A one-message 1:1 poll thus costs two requests instead of three per message. Activity and
     * marks are written once per conversation (and sender) with the batch's highest seq: they are
     * {@code USING TIMESTAMP <seq>} maxima, so the lower seqs of the same batch would lose to it
     * anyway. Completes when Cassandra has acknowledged all.
     */
    public CompletableFuture<Void> saveAll(List<StoredMessage> messages) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Map<Long, ConversationRows> byConversation = new LinkedHashMap<>();
        Map<List<Long>, Long> newestSeqBySender = new HashMap<>();
        for (StoredMessage message : messages) {
            ConversationRows rows = byConversation.computeIfAbsent(message.conversationId(), c -> new ConversationRows());
            rows.messageRows.computeIfAbsent(MessageBuckets.bucketOf(message.seq()), b -> new ArrayList<>())
                    .add(messageRow(message));
            rows.bytes += estimatedBytes(message);
            if (rows.newest == null || message.seq() > rows.newest.seq()) {
                rows.newest = message;
            }
            newestSeqBySender.merge(List.of(message.conversationId(), message.senderId()), message.seq(), Math::max);
        }
        byConversation.forEach((conversationId, rows) -> rows.conversationRows.add(raiseActivity.bind(
                rows.newest.seq(), rows.newest.seq(), Instant.ofEpochMilli(rows.newest.sentAt()), conversationId)));
        newestSeqBySender.forEach((conversationAndSender, seq) -> byConversation.get(conversationAndSender.get(0))
                .conversationRows.add(raiseSenderMarks.bind(seq, seq, seq, conversationAndSender.get(0),
                        conversationAndSender.get(1))));

        List<CompletableFuture<?>> written = new ArrayList<>();
        for (ConversationRows rows : byConversation.values()) {
            if (rows.messageRows.size() == 1 && rows.bytes <= COMBINED_BATCH_BYTES) {
                List<BoundStatement> all = new ArrayList<>(rows.messageRows.values().iterator().next());
                all.addAll(rows.conversationRows);
                written.add(execute(all));
            } else {
                rows.messageRows.values().forEach(bucket -> written.add(execute(bucket)));
                written.add(execute(rows.conversationRows));
            }
        }
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).thenCompose(done -> {
            List<CompletableFuture<?>> positions = new ArrayList<>();
            for (int from = 0; from < messages.size(); from += POSITIONS_PER_BATCH) {
                positions.add(execute(messages.subList(from, Math.min(messages.size(), from + POSITIONS_PER_BATCH))
                        .stream()
                        .map(m -> insertPosition.bind(m.messageId(), m.conversationId(), m.seq()))
                        .toList()));
            }
            return CompletableFuture.allOf(positions.toArray(CompletableFuture[]::new));
        });
    }

    /** The rows one call writes for one conversation. */
    private static final class ConversationRows {
        final Map<Long, List<BoundStatement>> messageRows = new LinkedHashMap<>();
        final List<BoundStatement> conversationRows = new ArrayList<>();
        StoredMessage newest;
        long bytes;
    }

    /** An upper bound of a message row's size: its text as UTF-8 at worst, plus its fixed columns. */
    private static long estimatedBytes(StoredMessage message) {
        long text = message.text() == null ? 0 : 3L * message.text().length();
        long clientId = message.clientMessageId() == null ? 0 : 3L * message.clientMessageId().length();
        return 200 + text + clientId + (message.system() == null ? 0 : 8L * message.system().targetIds().size() + 200);
    }

    /** One statement on its own, several as one unlogged batch. */
    private CompletableFuture<?> execute(List<BoundStatement> statements) {
        Statement<?> statement = statements.size() == 1
                ? statements.get(0)
                : BatchStatement.newInstance(BatchType.UNLOGGED).addAll(statements);
        return session.executeAsync(statement).toCompletableFuture();
    }


    private BoundStatement messageRow(StoredMessage message) {
        BoundStatementBuilder row = insertMessage.boundStatementBuilder()
                .setLong("conversation_id", message.conversationId())
                .setLong("bucket", MessageBuckets.bucketOf(message.seq()))
                .setLong("seq", message.seq())
                .setLong("message_id", message.messageId())
                .setLong("sender_id", message.senderId())
                .setInstant("sent_at", Instant.ofEpochMilli(message.sentAt()))
                .setString("kind", message.kind());
        // Unset (not null) bind values write nothing: no tombstones.
        if (message.clientMessageId() != null) {
            row.setString("client_message_id", message.clientMessageId());
        }
        if (message.text() != null) {
            row.setString("body", message.text());
        }
        if (message.system() != null) {
            SystemEvent event = message.system();
            row.setString("system_event", event.event())
                    .setLong("system_actor_id", event.actorId())
                    // frozen list: an empty list is a value, not a tombstone
                    .setList("system_target_ids", event.targetIds(), Long.class);
            if (event.name() != null) {
                row.setString("system_name", event.name());
            }
            if (event.role() != null) {
                row.setString("system_role", event.role());
            }
        }
        return row.build();
    }

    /** The stored message at a seq, if its row exists. */
    public Optional<StoredMessage> read(long conversationId, long seq) {
        Row row = session.execute(selectOne.bind(conversationId, MessageBuckets.bucketOf(seq), seq)).one();
        return Optional.ofNullable(row).map(r -> toMessage(conversationId, r));
    }

    /**
     * The persisted messages of a conversation directly after {@code afterSeq}, oldest first, at
     * most {@code max}, without gaps: reading stops at the first seq that has no {@code messages}
     * row yet (sequenced but not written yet). Returning messages beyond such a hole
     * would move the reader's cursor past a message it never got; stopping there means it gets
     * that message live or from its next sync.
     */
    public List<StoredMessage> readAfter(long conversationId, long afterSeq, int max) {
        return readAfter(conversationId, afterSeq, Long.MAX_VALUE, max);
    }

    /**
     * As {@link #readAfter(long, long, int)}, but nothing above {@code lastSeq}: a removed group
     * member reads up to the message that removed them and never past it.
     */
    public List<StoredMessage> readAfter(long conversationId, long afterSeq, long lastSeq, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        List<StoredMessage> out = new ArrayList<>(Math.min(max, 256));
        long expected = Math.max(afterSeq, 0) + 1;
        long bucket = MessageBuckets.bucketOf(expected);
        while (out.size() < max) {
            int wanted = max - out.size();
            for (Row row : session.execute(selectAfter.bind(conversationId, bucket, expected - 1, wanted))) {
                long seq = row.getLong("seq");
                if (seq != expected) {
                    return out; // a hole: seq `expected` is sequenced but not persisted yet
                }
                if (seq > lastSeq) {
                    return out;
                }
                out.add(toMessage(conversationId, row));
                expected++;
            }
            if (expected - 1 < MessageBuckets.lastSeqOf(bucket)) {
                // This partition ended (or the limit was reached) before its last seq: nothing
                // contiguous can be in the next one.
                return out;
            }
            bucket++;
        }
        return out;
    }

    private static StoredMessage toMessage(long conversationId, Row row) {
        Instant sentAt = row.getInstant("sent_at");
        String kind = MessageKind.orText(row.getString("kind"));
        SystemEvent system = null;
        if (MessageKind.SYSTEM.equals(kind)) {
            system = new SystemEvent(row.getString("system_event"), row.getLong("system_actor_id"),
                    Objects.requireNonNullElse(row.getList("system_target_ids", Long.class), List.of()),
                    row.getString("system_name"), row.getString("system_role"));
        }
        return new StoredMessage(
                row.getLong("message_id"),
                conversationId,
                row.getLong("seq"),
                row.getLong("sender_id"),
                row.getString("client_message_id"),
                row.getString("body"),
                sentAt == null ? 0 : sentAt.toEpochMilli(),
                kind,
                system);
    }
}
