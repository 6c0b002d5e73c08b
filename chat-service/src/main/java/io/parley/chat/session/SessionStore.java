package io.parley.chat.session;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.parley.chat.config.ChatSettings;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Component;

/**
 * The cluster-wide view of where sessions are: {@code user_sessions} rows (user, session, node)
 * that the sequencer's fan-out reads. Rows carry a TTL and are refreshed while the session lives,
 * so the sessions of a node that dies without saying goodbye stop being routed to by themselves.
 */
@Component
class SessionStore {

    private final CqlSession session;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;
    private final int ttlSeconds;
    private final String nodeId;

    SessionStore(CqlSession session, ChatSettings settings) {
        this.session = session;
        this.ttlSeconds = (int) settings.sessionTtl().toSeconds();
        this.nodeId = settings.nodeId();
        this.upsert = session.prepare(
                "INSERT INTO user_sessions (user_id, session_id, node_id) VALUES (?, ?, ?) USING TTL ?");
        this.delete = session.prepare("DELETE FROM user_sessions WHERE user_id = ? AND session_id = ?");
    }

    /** Writes (or refreshes) the row, blocking until Cassandra has it. */
    void register(long userId, String sessionId) {
        session.execute(upsert.bind(userId, sessionId, nodeId, ttlSeconds));
    }

    CompletionStage<?> refreshAsync(long userId, String sessionId) {
        return session.executeAsync(upsert.bind(userId, sessionId, nodeId, ttlSeconds));
    }

    CompletionStage<?> unregisterAsync(long userId, String sessionId) {
        return session.executeAsync(delete.bind(userId, sessionId));
    }
}
