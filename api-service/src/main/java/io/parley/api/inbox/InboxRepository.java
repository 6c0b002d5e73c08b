package io.parley.api.inbox;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Repository;

/**
 * The reads behind the conversation list. Everything here is written by others (chat-service's
 * sequencer and receipt handling, group creation); the list only reads. All but the first read
 * are single-row or single-partition reads made without blocking, so the service can run many
 * at once.
 */
@Repository
class InboxRepository {

    /** A row of {@code user_conversations}: one conversation of the user and the seqs they may read. */
    record Membership(long conversationId, Instant joinedAt, long firstSeq, Long removedAtSeq) {

        boolean removed() {
            return removedAtSeq != null;
        }
    }

    /** A row of {@code conversation_activity}: the newest stored message of a conversation. */
    record Activity(long lastSeq, Instant lastAt) {
    }

    /** What the {@code conversations} row says: {@code direct} or {@code group}, and a group's name. */
    record ConversationInfo(String kind, String name) {
    }

    private final CqlSession session;
    private final PreparedStatement selectMemberships;
    private final PreparedStatement selectActivity;
    private final PreparedStatement selectReadSeq;
    private final PreparedStatement selectConversation;
    private final PreparedStatement selectDirectMembers;
    private final PreparedStatement selectDisplayName;

    InboxRepository(CqlSession session) {
        this.session = session;
        // Newest conversation ids first (Snowflake ids grow with time), so the bound keeps the newest.
        this.selectMemberships = session.prepare("SELECT conversation_id, joined_at, joined_at_seq, removed_at_seq"
                + " FROM user_conversations WHERE user_id = ? ORDER BY conversation_id DESC LIMIT ?");
        this.selectActivity = session.prepare(
                "SELECT last_seq, last_at FROM conversation_activity WHERE conversation_id = ?");
        this.selectReadSeq = session.prepare(
                "SELECT read_seq FROM receipts WHERE conversation_id = ? AND user_id = ?");
        this.selectConversation = session.prepare("SELECT kind, name FROM conversations WHERE conversation_id = ?");
        // A 1:1 conversation has two member rows; the limit keeps a mistaken call on a group cheap.
        this.selectDirectMembers = session.prepare(
                "SELECT user_id FROM conversation_members WHERE conversation_id = ? LIMIT 2");
        this.selectDisplayName = session.prepare("SELECT display_name FROM users WHERE user_id = ?");
    }

    /** Up to {@code max} of the user's conversations, newest conversation ids first: one partition read. */
    List<Membership> memberships(long userId, int max) {
        List<Membership> memberships = new ArrayList<>();
        for (Row row : session.execute(selectMemberships.bind(userId, max))) {
            memberships.add(new Membership(row.getLong("conversation_id"), row.getInstant("joined_at"),
                    row.isNull("joined_at_seq") ? 1 : row.getLong("joined_at_seq"),
                    row.isNull("removed_at_seq") ? null : row.getLong("removed_at_seq")));
        }
        return memberships;
    }

    /** Empty for a conversation whose messages were all stored before activity was recorded, or that has none. */
    CompletionStage<Optional<Activity>> activity(long conversationId) {
        return session.executeAsync(selectActivity.bind(conversationId)).thenApply(rows -> {
            Row row = rows.one();
            if (row == null || row.isNull("last_seq")) {
                return Optional.empty();
            }
            return Optional.of(new Activity(row.getLong("last_seq"), row.getInstant("last_at")));
        });
    }

    /** The user's read mark in the conversation; 0 when they have read nothing. */
    CompletionStage<Long> readSeq(long conversationId, long userId) {
        return session.executeAsync(selectReadSeq.bind(conversationId, userId)).thenApply(rows -> {
            Row row = rows.one();
            return row == null || row.isNull("read_seq") ? 0L : row.getLong("read_seq");
        });
    }

    /** Empty when the row is not written (a group whose creation did not finish). */
    CompletionStage<Optional<ConversationInfo>> conversation(long conversationId) {
        return session.executeAsync(selectConversation.bind(conversationId)).thenApply(rows ->
                Optional.ofNullable(rows.one()).map(row -> new ConversationInfo(row.getString("kind"), row.getString("name"))));
    }

    /** The two users of a 1:1 conversation. */
    CompletionStage<List<Long>> directMembers(long conversationId) {
        return session.executeAsync(selectDirectMembers.bind(conversationId)).thenApply(rows -> {
            List<Long> ids = new ArrayList<>();
            for (Row row : rows.currentPage()) { // at most two rows: always within the first page
                ids.add(row.getLong("user_id"));
            }
            return ids;
        });
    }

    CompletionStage<Optional<String>> displayName(long userId) {
        return session.executeAsync(selectDisplayName.bind(userId)).thenApply(rows ->
                Optional.ofNullable(rows.one()).map(row -> row.getString("display_name")));
    }
}
