package io.parley.api.group;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.api.concurrent.BoundedReads;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Repository;

/**
 * Groups in the shared tables: {@code conversations} (kind 'group', name), {@code conversation_members}
 * (current members, role, joined_at_seq) and {@code user_conversations}. This class writes only a new
 * group's first rows; every later membership change is applied by the chat tier's sequencer when it
 * places the change's system message (docs/design.md, "Groups").
 */
@Repository
class GroupRepository {

    static final String KIND_GROUP = "group";

    /** Bounds the reads one request puts on the driver's connections at once. */
    static final int EXISTENCE_READS_IN_FLIGHT = 64;

    record GroupRow(long conversationId, String name, long createdBy, Instant createdAt) {
    }

    record MemberRow(long userId, Role role, long joinedAtSeq) {
    }

    private final CqlSession session;
    private final PreparedStatement selectGroup;
    private final PreparedStatement selectMembers;
    private final PreparedStatement selectMember;
    private final PreparedStatement selectUser;
    private final PreparedStatement selectPosition;
    private final PreparedStatement insertGroup;
    private final PreparedStatement insertMember;
    private final PreparedStatement insertUserConversation;

    GroupRepository(CqlSession session) {
        this.session = session;
        this.selectGroup = session.prepare(
                "SELECT kind, name, created_by, created_at FROM conversations WHERE conversation_id = ?");
        this.selectMembers = session.prepare(
                "SELECT user_id, role, joined_at_seq FROM conversation_members WHERE conversation_id = ?");
        this.selectMember = session.prepare(
                "SELECT user_id, role, joined_at_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        this.selectUser = session.prepare("SELECT user_id FROM users WHERE user_id = ?");
        this.selectPosition = session.prepare("SELECT seq FROM message_positions WHERE message_id = ?");
        // IF NOT EXISTS: a redo of a create (same group id) never overwrites a group that others may
        // already have renamed or grown; and member_count, changed only by LWTs, starts under Paxos too.
        this.insertGroup = session.prepare("INSERT INTO conversations"
                + " (conversation_id, kind, name, created_by, created_at, member_count) VALUES (?, ?, ?, ?, ?, ?)"
                + " IF NOT EXISTS");
        this.insertMember = session.prepare("INSERT INTO conversation_members"
                + " (conversation_id, user_id, joined_at, role, joined_at_seq) VALUES (?, ?, ?, ?, ?)");
        this.insertUserConversation = session.prepare("INSERT INTO user_conversations"
                + " (user_id, conversation_id, joined_at, joined_at_seq) VALUES (?, ?, ?, ?)");
    }

    Optional<GroupRow> findGroup(long conversationId) {
        Row row = session.execute(selectGroup.bind(conversationId)).one();
        if (row == null || !KIND_GROUP.equals(row.getString("kind")) || row.isNull("name")) {
            return Optional.empty();
        }
        return Optional.of(new GroupRow(conversationId, row.getString("name"), row.getLong("created_by"),
                row.getInstant("created_at")));
    }

    List<MemberRow> members(long conversationId) {
        List<MemberRow> members = new ArrayList<>();
        for (Row row : session.execute(selectMembers.bind(conversationId))) {
            members.add(member(row));
        }
        return members;
    }

    Optional<MemberRow> member(long conversationId, long userId) {
        return Optional.ofNullable(session.execute(selectMember.bind(conversationId, userId)).one())
                .map(GroupRepository::member);
    }

    /**
     * The ids among {@code userIds} that have no account: read concurrently, at most
     * {@link #EXISTENCE_READS_IN_FLIGHT} at a time whatever the number of ids.
     */
    List<Long> unknownUsers(Collection<Long> userIds) {
        List<Long> ids = List.copyOf(userIds);
        List<Boolean> exist = BoundedReads.map(ids, EXISTENCE_READS_IN_FLIGHT,
                id -> session.executeAsync(selectUser.bind(id)).thenApply(rs -> rs.one() != null)).join();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!exist.get(i)) {
                unknown.add(ids.get(i));
            }
        }
        return unknown;
    }

    /** Whether the sequencer has placed (and so applied) the message. */
    boolean isSequenced(long messageId) {
        return session.execute(selectPosition.bind(messageId)).one() != null;
    }

    /**
     * Writes a new group: the member rows first, the conversation row (which makes the group
     * visible) last, so a crash in between leaves no visible half-made group. Initial members may
     * read from seq 1, the group_created message. Rows are written concurrently, not in one batch:
     * up to max-members partitions would exceed Cassandra's batch size limits. The group starts
     * with one seat per member ({@link GroupSeats}).
     */
    void create(long conversationId, String name, long ownerId, Collection<Long> memberIds, Instant now) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        writes.add(write(ownerId, conversationId, Role.OWNER, now));
        for (long member : memberIds) {
            writes.add(write(member, conversationId, Role.MEMBER, now));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        session.execute(insertGroup.bind(conversationId, KIND_GROUP, name, ownerId, now, memberIds.size() + 1));
    }

    private CompletableFuture<?> write(long userId, long conversationId, Role role, Instant now) {
        return CompletableFuture.allOf(
                session.executeAsync(insertMember.bind(conversationId, userId, now, role.wire(), 1L)).toCompletableFuture(),
                session.executeAsync(insertUserConversation.bind(userId, conversationId, now, 1L)).toCompletableFuture());
    }

    private static MemberRow member(Row row) {
        return new MemberRow(row.getLong("user_id"), Role.fromStored(row.getString("role")),
                row.isNull("joined_at_seq") ? 1 : row.getLong("joined_at_seq"));
    }
}
