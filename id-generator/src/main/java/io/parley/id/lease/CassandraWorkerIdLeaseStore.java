package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

/**
 * Leases in {@code id_worker_leases (worker_id int PRIMARY KEY, owner text, leased_at timestamp)}
 * of the session's keyspace.
 *
 * <p>Claim, renew and release are lightweight transactions (Paxos), so they are linearizable per
 * worker id. Rows carry a TTL: a process that dies without releasing loses its worker id once
 * the TTL runs out. A renewal rewrites both regular columns with a fresh TTL; that keeps the row
 * alive after the TTL of the INSERT's row marker has passed, because a row exists while any of
 * its cells is live.
 */
final class CassandraWorkerIdLeaseStore implements WorkerIdLeaseStore {

    static final String TABLE = "id_worker_leases";

    private final CqlSession session;
    private final PreparedStatement selectLeased;
    private final PreparedStatement claim;
    private final PreparedStatement renew;
    private final PreparedStatement release;

    CassandraWorkerIdLeaseStore(CqlSession session) {
        this.session = session;
        this.selectLeased = session.prepare("SELECT worker_id FROM " + TABLE);
        this.claim = session.prepare("INSERT INTO " + TABLE + " (worker_id, owner, leased_at) VALUES (?, ?, ?)"
                + " IF NOT EXISTS USING TTL ?");
        this.renew = session.prepare("UPDATE " + TABLE + " USING TTL ? SET owner = ?, leased_at = ?"
                + " WHERE worker_id = ? IF owner = ?");
        this.release = session.prepare("DELETE FROM " + TABLE + " WHERE worker_id = ? IF owner = ?");
    }

    @Override
    public Set<Integer> leasedWorkerIds() {
        // At most 1024 small rows: scanning the table is cheaper than probing ids one LWT at a time.
        Set<Integer> leased = new HashSet<>();
        for (Row row : session.execute(selectLeased.bind())) {
            leased.add(row.getInt(0));
        }
        return leased;
    }

    @Override
    public boolean claim(int workerId, String owner, Instant at, Duration ttl) {
        return session.execute(claim.bind(workerId, owner, at, ttlSeconds(ttl))).wasApplied();
    }

    @Override
    public boolean renew(int workerId, String owner, Instant at, Duration ttl) {
        return session.execute(renew.bind(ttlSeconds(ttl), owner, at, workerId, owner)).wasApplied();
    }

    @Override
    public void release(int workerId, String owner) {
        session.execute(release.bind(workerId, owner));
    }

    private static int ttlSeconds(Duration ttl) {
        return Math.toIntExact(ttl.toSeconds());
    }
}
