package io.parley.api.auth;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Repository;

/**
 * {@code refresh_tokens} and {@code refresh_families} (schema V008). Tokens are known here only by
 * their SHA-256; every write has a TTL and none writes a null.
 */
@Repository
class RefreshTokenStore {

    static final String ACTIVE = "active";
    static final String USED = "used";

    /** A stored token: whose, which login, and until when. */
    record StoredToken(long userId, UUID familyId, String state, Instant expiresAt) {
    }

    private final CqlSession session;
    private final PreparedStatement insertToken;
    private final PreparedStatement selectToken;
    private final PreparedStatement markUsed;
    private final PreparedStatement insertFamily;
    private final PreparedStatement touchFamily;
    private final PreparedStatement selectFamily;
    private final PreparedStatement revokeFamily;
    private final PreparedStatement selectFamiliesOfUser;

    RefreshTokenStore(CqlSession session) {
        this.session = session;
        this.insertToken = session.prepare("INSERT INTO refresh_tokens (token_hash, user_id, family_id, state, issued_at, "
                + "expires_at) VALUES (?, ?, ?, '" + ACTIVE + "', ?, ?) USING TTL ?");
        this.selectToken = session.prepare(
                "SELECT user_id, family_id, state, expires_at FROM refresh_tokens WHERE token_hash = ?");
        // The rotation point: of any number of concurrent refreshes with one token, exactly one
        // applies (Paxos); the TTL keeps the cells from outliving the row.
        this.markUsed = session.prepare("UPDATE refresh_tokens USING TTL ? SET state = '" + USED + "', used_at = ? "
                + "WHERE token_hash = ? IF state = '" + ACTIVE + "'");
        this.insertFamily = session.prepare("INSERT INTO refresh_families (user_id, family_id, created_at, refreshed_at) "
                + "VALUES (?, ?, ?, ?) USING TTL ?");
        this.touchFamily = session.prepare(
                "UPDATE refresh_families USING TTL ? SET refreshed_at = ? WHERE user_id = ? AND family_id = ?");
        this.selectFamily = session.prepare(
                "SELECT refreshed_at, revoked FROM refresh_families WHERE user_id = ? AND family_id = ?");
        this.revokeFamily = session.prepare(
                "UPDATE refresh_families USING TTL ? SET revoked = true WHERE user_id = ? AND family_id = ?");
        this.selectFamiliesOfUser = session.prepare("SELECT family_id FROM refresh_families WHERE user_id = ?");
    }

    void startFamily(long userId, UUID familyId, Instant now, Duration ttl) {
        session.execute(insertFamily.bind(userId, familyId, now, now, ttlSeconds(ttl)));
    }

    void insertToken(ByteBuffer hash, long userId, UUID familyId, Instant now, Instant expiresAt) {
        session.execute(insertToken.bind(hash, userId, familyId, now, expiresAt,
                ttlSeconds(Duration.between(now, expiresAt))));
    }

    Optional<StoredToken> findToken(ByteBuffer hash) {
        Row row = session.execute(selectToken.bind(hash)).one();
        if (row == null || row.isNull("user_id") || row.isNull("family_id")) {
            return Optional.empty();
        }
        return Optional.of(new StoredToken(row.getLong("user_id"), row.getUuid("family_id"), row.getString("state"),
                row.getInstant("expires_at")));
    }

    /**
     * Marks an active token used.
     *
     * @return false if it was not active (already used, by a concurrent refresh or a replay)
     */
    boolean markUsed(ByteBuffer hash, Instant now, Instant expiresAt) {
        return session.execute(markUsed.bind(ttlSeconds(Duration.between(now, expiresAt)), now, hash)).wasApplied();
    }

    /** Whether the family exists (not expired) and is not revoked. */
    boolean familyUsable(long userId, UUID familyId) {
        Row row = session.execute(selectFamily.bind(userId, familyId)).one();
        return row != null && !row.isNull("refreshed_at") && !(!row.isNull("revoked") && row.getBoolean("revoked"));
    }

    /** Extends the family's life to that of its newest token. */
    void touchFamily(long userId, UUID familyId, Instant now, Duration ttl) {
        session.execute(touchFamily.bind(ttlSeconds(ttl), now, userId, familyId));
    }

    /**
     * Revokes one family. The mark lives as long as any token of the family could (no token is
     * issued with a longer lifetime than {@code ttl} after now).
     */
    void revokeFamily(long userId, UUID familyId, Duration ttl) {
        session.execute(revokeFamily.bind(ttlSeconds(ttl), userId, familyId));
    }

    /** Every family of the user that has not expired (revoked ones included). */
    List<UUID> familiesOf(long userId) {
        List<UUID> families = new ArrayList<>();
        for (Row row : session.execute(selectFamiliesOfUser.bind(userId))) {
            families.add(row.getUuid("family_id"));
        }
        return families;
    }

    private static int ttlSeconds(Duration ttl) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ttl.toSeconds()));
    }
}
