package io.parley.chat.conversation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.SystemEvent;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Applies the group change a system message announces, at the message's seq. Called by the
 * sequencer (the one writer of a conversation's order) after the message is persisted and before
 * it is fanned out, so membership changes exactly between two seqs: a member added at seq N gets N
 * and everything after it; a member removed at N gets N (to learn of it) and nothing after.
 * api-service only validates and publishes; it never changes a group's members itself (except the
 * initial members of a new group, written before its first message).
 *
 * <p>Idempotent: a replayed record (crash before the offset commit) applies the same change again
 * and ends in the same state; Kafka replays a partition in order, so later changes are replayed
 * after earlier ones. Roles are only written for rows that exist, so a late role change never
 * resurrects a removed member as a partial row.
 */
@Component
public class GroupMembership {

    static final String ROLE_OWNER = "owner";
    static final String ROLE_ADMIN = "admin";
    static final String ROLE_MEMBER = "member";

    private final CqlSession session;
    private final Conversations conversations;
    private final Clock clock;
    private final PreparedStatement selectMember;
    private final PreparedStatement insertMember;
    private final PreparedStatement insertUserConversation;
    private final PreparedStatement selectRemovedAt;
    private final PreparedStatement clearRemovedAt;
    private final PreparedStatement deleteMember;
    private final PreparedStatement markRemoved;
    private final PreparedStatement updateRole;
    private final PreparedStatement updateName;

    GroupMembership(CqlSession session, Conversations conversations, Clock clock) {
        this.session = session;
        this.conversations = conversations;
        this.clock = clock;
        this.selectMember = session.prepare(
                "SELECT role FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        this.insertMember = session.prepare("INSERT INTO conversation_members"
                + " (conversation_id, user_id, joined_at, role, joined_at_seq) VALUES (?, ?, ?, ?, ?)");
        this.insertUserConversation = session.prepare("INSERT INTO user_conversations"
                + " (user_id, conversation_id, joined_at, joined_at_seq) VALUES (?, ?, ?, ?)");
        this.selectRemovedAt = session.prepare(
                "SELECT removed_at_seq FROM user_conversations WHERE user_id = ? AND conversation_id = ?");
        this.clearRemovedAt = session.prepare(
                "DELETE removed_at_seq FROM user_conversations WHERE user_id = ? AND conversation_id = ?");
        this.deleteMember = session.prepare(
                "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        this.markRemoved = session.prepare(
                "UPDATE user_conversations SET removed_at_seq = ? WHERE user_id = ? AND conversation_id = ?");
        this.updateRole = session.prepare(
                "UPDATE conversation_members SET role = ? WHERE conversation_id = ? AND user_id = ?");
        this.updateName = session.prepare("UPDATE conversations SET name = ? WHERE conversation_id = ?");
    }

    /** Applies the change of a system message; text messages change nothing. */
    public void apply(StoredMessage message) {
        if (!message.hasSystemEvent()) {
            return;
        }
        SystemEvent event = message.system();
        long conversationId = message.conversationId();
        switch (event.event()) {
            case SystemEvent.MEMBER_ADDED -> event.targetIds().forEach(user -> add(conversationId, user, message.seq()));
            case SystemEvent.MEMBER_REMOVED, SystemEvent.MEMBER_LEFT ->
                    event.targetIds().forEach(user -> remove(conversationId, user, message.seq()));
            case SystemEvent.ROLE_CHANGED -> event.targetIds().forEach(user -> setRole(conversationId, user, event.role()));
            case SystemEvent.OWNERSHIP_TRANSFERRED -> {
                event.targetIds().forEach(user -> setRole(conversationId, user, ROLE_OWNER));
                setRole(conversationId, event.actorId(), ROLE_ADMIN);
            }
            case SystemEvent.GROUP_RENAMED -> {
                if (event.name() != null) {
                    session.execute(updateName.bind(event.name(), conversationId));
                }
            }
            default -> {
                // group_created: api-service wrote the initial rows before publishing it.
            }
        }
        conversations.forget(conversationId);
    }

    private void add(long conversationId, long userId, long seq) {
        if (session.execute(selectMember.bind(conversationId, userId)).one() != null) {
            return; // already a member (or this is a replay): keep their role and first seq
        }
        Instant now = clock.instant();
        Row previous = session.execute(selectRemovedAt.bind(userId, conversationId)).one();
        if (previous != null && !previous.isNull("removed_at_seq")) {
            // Re-added after a removal: reads from this seq on. One cell tombstone, on a rare event.
            session.execute(clearRemovedAt.bind(userId, conversationId));
        }
        session.execute(BatchStatement.newInstance(BatchType.LOGGED,
                insertMember.bind(conversationId, userId, now, ROLE_MEMBER, seq),
                insertUserConversation.bind(userId, conversationId, now, seq)));
    }

    private void remove(long conversationId, long userId, long seq) {
        session.execute(BatchStatement.newInstance(BatchType.LOGGED,
                deleteMember.bind(conversationId, userId),
                markRemoved.bind(seq, userId, conversationId)));
    }

    private void setRole(long conversationId, long userId, String role) {
        if (role != null && session.execute(selectMember.bind(conversationId, userId)).one() != null) {
            session.execute(updateRole.bind(role, conversationId, userId));
        }
    }
}
