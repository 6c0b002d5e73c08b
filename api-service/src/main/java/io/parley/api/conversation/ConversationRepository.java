package io.parley.api.conversation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/**
 * Read side of conversations. chat-service creates conversations and memberships (on the first
 * message to a user); api-service only reads them.
 */
@Repository
class ConversationRepository {

    private final CqlSession session;
    private final PreparedStatement selectDirect;
    private final PreparedStatement selectMember;
    private final PreparedStatement selectUserConversation;

    ConversationRepository(CqlSession session) {
        this.session = session;
        this.selectDirect = session.prepare(
                "SELECT conversation_id FROM direct_conversations WHERE user_low = ? AND user_high = ?");
        this.selectMember = session.prepare(
                "SELECT user_id, joined_at_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
        this.selectUserConversation = session.prepare("SELECT joined_at_seq, removed_at_seq FROM user_conversations"
                + " WHERE user_id = ? AND conversation_id = ?");
    }

    Optional<Long> findDirect(long userLow, long userHigh) {
        return Optional.ofNullable(session.execute(selectDirect.bind(userLow, userHigh)).one())
                .map(row -> row.getLong("conversation_id"));
    }

    boolean isMember(long conversationId, long userId) {
        return session.execute(selectMember.bind(conversationId, userId)).one() != null;
    }

    /**
     * The seqs the user may read: a current member from the seq that made them one (1 for 1:1
     * conversations and rows from before groups); a removed group member up to the seq of their
     * removal; anyone else nothing.
     */
    Optional<Conversations.Readable> readable(long conversationId, long userId) {
        Row member = session.execute(selectMember.bind(conversationId, userId)).one();
        if (member != null) {
            return Optional.of(new Conversations.Readable(firstSeq(member), Long.MAX_VALUE));
        }
        Row former = session.execute(selectUserConversation.bind(userId, conversationId)).one();
        if (former == null || former.isNull("removed_at_seq")) {
            return Optional.empty();
        }
        return Optional.of(new Conversations.Readable(firstSeq(former), former.getLong("removed_at_seq")));
    }

    private static long firstSeq(Row row) {
        return row.isNull("joined_at_seq") ? 1 : row.getLong("joined_at_seq");
    }
}
