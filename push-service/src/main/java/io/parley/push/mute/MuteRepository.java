package io.parley.push.mute;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/**
 * {@code push_mutes}, one partition per user. A timed mute is written with a TTL ending a little
 * after {@code muted_until}, so expired mutes vanish without a sweeper; readers still compare
 * {@code muted_until} with the clock (a TTL is approximate). Nothing is written as null: a mute until
 * unmuted stores {@code forever = true} and its own set time in {@code muted_until}.
 */
@Repository
public class MuteRepository {

    /** Slack after {@code muted_until} before Cassandra drops the row; readers never rely on the TTL alone. */
    private static final Duration TTL_SLACK = Duration.ofMinutes(5);

    private final CqlSession session;
    private final PreparedStatement upsert;
    private final PreparedStatement selectAll;
    private final PreparedStatement selectOne;
    private final PreparedStatement delete;
    private final PreparedStatement membership;

    MuteRepository(CqlSession session) {
        this.session = session;
        // USING TTL 0 = no TTL, so one statement serves both kinds of mute (and an indefinite
        // mute replacing a timed one also clears the old TTL, since every column is rewritten).
        this.upsert = session.prepare("INSERT INTO push_mutes (user_id, conversation_id, forever, muted_until, muted_at) "
                + "VALUES (?, ?, ?, ?, ?) USING TTL ?");
        this.selectAll = session.prepare("SELECT conversation_id, forever, muted_until FROM push_mutes WHERE user_id = ?");
        this.selectOne = session.prepare(
                "SELECT conversation_id, forever, muted_until FROM push_mutes WHERE user_id = ? AND conversation_id = ?");
        this.delete = session.prepare("DELETE FROM push_mutes WHERE user_id = ? AND conversation_id = ?");
        this.membership = session.prepare(
                "SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
    }

    void mute(long userId, Mute mute, Instant now) {
        boolean forever = mute.until() == null;
        int ttl = forever ? 0 : (int) Math.max(1, Duration.between(now, mute.until()).plus(TTL_SLACK).toSeconds());
        session.execute(upsert.bind(userId, mute.conversationId(), forever, forever ? now : mute.until(), now, ttl));
    }

    void unmute(long userId, long conversationId) {
        session.execute(delete.bind(userId, conversationId));
    }

    /** The user's mutes that are in force at {@code now}. */
    List<Mute> mutesOf(long userId, Instant now) {
        return session.execute(selectAll.bind(userId)).all().stream()
                .map(MuteRepository::mute).filter(m -> m.activeAt(now)).toList();
    }

    /** Whether the user has muted the conversation at {@code now}. */
    public boolean isMuted(long userId, long conversationId, Instant now) {
        return Optional.ofNullable(session.execute(selectOne.bind(userId, conversationId)).one())
                .map(MuteRepository::mute).filter(m -> m.activeAt(now)).isPresent();
    }

    boolean isMember(long userId, long conversationId) {
        return session.execute(membership.bind(conversationId, userId)).one() != null;
    }

    private static Mute mute(Row row) {
        return new Mute(row.getLong("conversation_id"), row.getBoolean("forever") ? null : row.getInstant("muted_until"));
    }
}
