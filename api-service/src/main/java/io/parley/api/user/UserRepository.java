package io.parley.api.user;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/**
 * {@code users} and {@code usernames}, through prepared statements (parsed once per session,
 * not per request). No statement here writes a null, so none leaves a tombstone.
 */
@Repository
class UserRepository {

    private final CqlSession session;
    private final PreparedStatement insertUser;
    private final PreparedStatement claimUsername;
    private final PreparedStatement deleteUser;
    private final PreparedStatement selectUser;
    private final PreparedStatement selectUsername;
    private final PreparedStatement updateDisplayName;
    private final PreparedStatement updatePasswordHash;

    UserRepository(CqlSession session) {
        this.session = session;
        this.insertUser = session.prepare("INSERT INTO users (user_id, username, display_name, password_hash, created_at) "
                + "VALUES (?, ?, ?, ?, ?)");
        this.claimUsername = session.prepare("INSERT INTO usernames (username, user_id) VALUES (?, ?) IF NOT EXISTS");
        this.deleteUser = session.prepare("DELETE FROM users WHERE user_id = ?");
        this.selectUser = session.prepare(
                "SELECT user_id, username, display_name, password_hash, created_at FROM users WHERE user_id = ?");
        this.selectUsername = session.prepare("SELECT user_id FROM usernames WHERE username = ?");
        this.updateDisplayName = session.prepare("UPDATE users SET display_name = ? WHERE user_id = ? IF EXISTS");
        this.updatePasswordHash = session.prepare("UPDATE users SET password_hash = ? WHERE user_id = ? IF EXISTS");
    }

    void insert(User user) {
        session.execute(insertUser.bind(user.id(), user.username(), user.displayName(), user.passwordHash(),
                user.createdAt()));
    }

    /**
     * Claims {@code username} for {@code userId}: the one uniqueness point of accounts. A
     * lightweight transaction (Paxos), so of any number of concurrent claims exactly one wins.
     *
     * @return true if this call won the claim
     */
    boolean claimUsername(String username, long userId) {
        return session.execute(claimUsername.bind(username, userId)).wasApplied();
    }

    void delete(long userId) {
        session.execute(deleteUser.bind(userId));
    }

    Optional<User> findById(long userId) {
        return Optional.ofNullable(session.execute(selectUser.bind(userId)).one()).map(UserRepository::toUser);
    }

    Optional<Long> findIdByUsername(String username) {
        return Optional.ofNullable(session.execute(selectUsername.bind(username)).one()).map(row -> row.getLong("user_id"));
    }

    /**
     * {@code IF EXISTS}: a plain UPDATE is an upsert and would resurrect a half-row for an id
     * that is not (or no longer) a user.
     *
     * @return false if there is no such user
     */
    boolean updateDisplayName(long userId, String displayName) {
        return session.execute(updateDisplayName.bind(displayName, userId)).wasApplied();
    }

    /** {@code IF EXISTS}, like the display name. @return false if there is no such user */
    boolean updatePasswordHash(long userId, String passwordHash) {
        return session.execute(updatePasswordHash.bind(passwordHash, userId)).wasApplied();
    }

    private static User toUser(Row row) {
        return new User(row.getLong("user_id"), row.getString("username"), row.getString("display_name"),
                row.getString("password_hash"), row.getInstant("created_at"));
    }
}
