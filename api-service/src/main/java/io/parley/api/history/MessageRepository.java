package io.parley.api.history;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.MessageKind;
import io.parley.common.protocol.ServerFrame.SystemPayload;
import io.parley.common.protocol.ServerFrame.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Repository;

/** {@link MessageReader} on the {@code messages} and {@code conversation_activity} tables. */
@Repository
class MessageRepository implements MessageReader {

    private static final String COLUMNS = "seq, message_id, sender_id, client_message_id, body, sent_at, "
            + "kind, system_event, system_actor_id, system_target_ids, system_name, system_role";

    private final CqlSession session;
    private final PreparedStatement selectHighest;
    private final PreparedStatement selectOlder;
    private final PreparedStatement selectNewer;
    private final PreparedStatement selectOne;

    MessageRepository(CqlSession session) {
        this.session = session;
        // chat-service raises last_seq USING TIMESTAMP <seq>: it is the highest seq stored.
        this.selectHighest = session.prepare("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?");
        this.selectOlder = session.prepare("SELECT " + COLUMNS + " FROM messages "
                + "WHERE conversation_id = ? AND bucket = ? AND seq < ? LIMIT ?");
        this.selectNewer = session.prepare("SELECT " + COLUMNS + " FROM messages "
                + "WHERE conversation_id = ? AND bucket = ? AND seq > ? ORDER BY seq ASC LIMIT ?");
        this.selectOne = session.prepare("SELECT " + COLUMNS + " FROM messages "
                + "WHERE conversation_id = ? AND bucket = ? AND seq = ?");
    }

    /** The message at {@code seq}, read without blocking; empty if it is not stored (yet). */
    CompletionStage<Optional<WireMessage>> findAsync(long conversationId, long seq) {
        return session.executeAsync(selectOne.bind(conversationId, MessageBuckets.of(seq), seq))
                .thenApply(rows -> Optional.ofNullable(rows.one()).map(row -> message(conversationId, row)));
    }

    @Override
    public long highestSeq(long conversationId) {
        Row row = session.execute(selectHighest.bind(conversationId)).one();
        return row == null ? 0 : row.getLong("last_seq");
    }

    @Override
    public List<WireMessage> olderThan(long conversationId, long bucket, long beforeSeq, int limit) {
        return read(conversationId, selectOlder, bucket, beforeSeq, limit);
    }

    @Override
    public List<WireMessage> newerThan(long conversationId, long bucket, long afterSeq, int limit) {
        return read(conversationId, selectNewer, bucket, afterSeq, limit);
    }

    private List<WireMessage> read(long conversationId, PreparedStatement statement, long bucket, long seq, int limit) {
        List<WireMessage> messages = new ArrayList<>(limit);
        for (Row row : session.execute(statement.bind(conversationId, bucket, seq, limit))) {
            messages.add(message(conversationId, row));
        }
        return messages;
    }

    private static WireMessage message(long conversationId, Row row) {
        Instant sentAt = row.getInstant("sent_at");
        String kind = MessageKind.orText(row.getString("kind"));
        return new WireMessage(
                Long.toString(row.getLong("message_id")),
                Long.toString(conversationId),
                row.getLong("seq"),
                Long.toString(row.getLong("sender_id")),
                row.getString("client_message_id"),
                row.getString("body"),
                sentAt == null ? 0 : sentAt.toEpochMilli(),
                kind,
                MessageKind.SYSTEM.equals(kind) ? system(row) : null);
    }

    /** The structured content of a system message row, ids as decimal strings (as on the socket). */
    private static SystemPayload system(Row row) {
        List<Long> targets = row.getList("system_target_ids", Long.class);
        return new SystemPayload(row.getString("system_event"), Long.toString(row.getLong("system_actor_id")),
                targets == null ? List.of() : targets.stream().map(String::valueOf).toList(),
                row.getString("system_name"), row.getString("system_role"));
    }
}
