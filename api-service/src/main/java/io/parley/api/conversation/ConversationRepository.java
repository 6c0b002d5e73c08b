package io.parley.api.conversation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
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

    ConversationRepository(CqlSession session) {
        this.session = session;
        this.selectDirect = session.prepare(
                "SELECT conversation_id FROM direct_conversations WHERE user_low = ? AND user_high = ?");
        this.selectMember = session.prepare(
                "SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    }

    Optional<Long> findDirect(long userLow, long userHigh) {
        return Optional.ofNullable(session.execute(selectDirect.bind(userLow, userHigh)).one())
                .map(row -> row.getLong("conversation_id"));
    }

    boolean isMember(long conversationId, long userId) {
        return session.execute(selectMember.bind(conversationId, userId)).one() != null;
    }
}
