package io.parley.api.support;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import java.time.Instant;
import java.util.List;

/**
 * Writes chat state the way chat-service does, for tests of what api-service reads (no chat node
 * runs in these tests): 1:1 conversations as the first message creates them, membership changes as
 * the sequencer applies them, stored messages with their seq claim and {@code conversation_activity}
 * row, and {@code receipts} marks. Activity and receipts are written {@code USING TIMESTAMP <seq>}
 * exactly as schema V005 requires, so a lower mark written later loses, as in production.
 */
public final class StoredChat {

    private final CqlSession session;

    public StoredChat(CqlSession session) {
        this.session = session;
    }

    /** A 1:1 conversation of two users, as chat-service writes it on the first message; returns its id. */
    public long direct(long userA, long userB, Instant joinedAt) {
        long conversationId = TestIds.id();
        long low = Math.min(userA, userB);
        long high = Math.max(userA, userB);
        session.execute("INSERT INTO direct_conversations (user_low, user_high, conversation_id) VALUES (?, ?, ?)",
                low, high, conversationId);
        session.execute(BatchStatement.newInstance(BatchType.LOGGED,
                session.prepare("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, 'direct', ?)")
                        .bind(conversationId, joinedAt),
                session.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)")
                        .bind(conversationId, low, joinedAt),
                session.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)")
                        .bind(conversationId, high, joinedAt),
                session.prepare("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)")
                        .bind(low, conversationId, joinedAt),
                session.prepare("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)")
                        .bind(high, conversationId, joinedAt)));
        return conversationId;
    }

    /** A member added to a group by the message at {@code seq} (as the sequencer applies member_added). */
    public void addMember(long conversationId, long userId, long seq) {
        Instant now = Instant.now();
        session.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at, role, joined_at_seq)"
                + " VALUES (?, ?, ?, 'member', ?)", conversationId, userId, now, seq);
        session.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at, joined_at_seq)"
                + " VALUES (?, ?, ?, ?)", userId, conversationId, now, seq);
    }

    /** A member removed from a group by the message at {@code seq}: member row gone, history row kept. */
    public void removeMember(long conversationId, long userId, long seq) {
        session.execute("DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversationId, userId);
        session.execute("UPDATE user_conversations SET removed_at_seq = ? WHERE user_id = ? AND conversation_id = ?",
                seq, userId, conversationId);
    }

    /** A stored text message: its row, its seq claim, the conversation's activity, the sender's own marks. */
    public void text(long conversationId, long seq, long senderId, String text, Instant sentAt) {
        session.execute("INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, client_message_id,"
                        + " body, sent_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'text')",
                conversationId, (seq - 1) / 4096, seq, messageId(conversationId, seq), senderId, "client-" + seq, text, sentAt);
        stored(conversationId, seq, senderId, sentAt);
    }

    /** A stored system message (a group change by {@code actorId}). */
    public void system(long conversationId, long seq, long actorId, String event, List<Long> targets, String name,
            Instant sentAt) {
        session.execute("INSERT INTO messages (conversation_id, bucket, seq, message_id, sender_id, sent_at, kind,"
                        + " system_event, system_actor_id, system_target_ids, system_name) VALUES (?, ?, ?, ?, ?, ?, 'system', ?, ?, ?, ?)",
                conversationId, (seq - 1) / 4096, seq, messageId(conversationId, seq), actorId, sentAt, event, actorId,
                targets, name);
        stored(conversationId, seq, actorId, sentAt);
    }

    /** The message id {@link #text} and {@link #system} give the message at {@code seq}. */
    public static long messageId(long conversationId, long seq) {
        return Math.floorMod(conversationId, 1_000_000_000L) * 10_000 + seq;
    }

    /** A member's delivered mark, as chat-service writes it for a `receipt` frame. */
    public void delivered(long conversationId, long userId, long seq) {
        session.execute("UPDATE receipts USING TIMESTAMP ? SET delivered_seq = ? WHERE conversation_id = ? AND user_id = ?",
                seq, seq, conversationId, userId);
    }

    /** A member's read mark, as chat-service writes it for a `receipt` frame. */
    public void read(long conversationId, long userId, long seq) {
        session.execute("UPDATE receipts USING TIMESTAMP ? SET read_seq = ? WHERE conversation_id = ? AND user_id = ?",
                seq, seq, conversationId, userId);
    }

    private void stored(long conversationId, long seq, long senderId, Instant sentAt) {
        session.execute("UPDATE conversation_activity USING TIMESTAMP ? SET last_seq = ?, last_at = ? WHERE conversation_id = ?",
                seq, seq, sentAt, conversationId);
        // A member's own message: they have received and read everything up to it.
        session.execute("UPDATE receipts USING TIMESTAMP ? SET delivered_seq = ?, read_seq = ?"
                + " WHERE conversation_id = ? AND user_id = ?", seq, seq, seq, conversationId, senderId);
    }
}
