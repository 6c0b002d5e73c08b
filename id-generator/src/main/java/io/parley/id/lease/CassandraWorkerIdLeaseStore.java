package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

/**
 * Leases in {@code id_worker_leases (worker_id int PRIMARY KEY, owner text, leased_at timestamp,
 * high_water_mark timestamp)} of the session's keyspace (schema V001 and V007).
 *
 * <p>Claim, renew and release are lightweight transactions (Paxos), so they are linearizable per
 * worker id. {@code owner} and {@code leased_at} carry a TTL: a process that dies without
 * releasing loses its worker id once the TTL runs out. {@code high_water_mark} carries none, so the
 * row outlives the lease with only its mark; a worker id is free while its {@code owner} is null.
 * TTLs apply per statement, so renewal and release are conditional batches of two statements on the
 * one partition: the lease cells with the TTL (or deleted), the mark without. One Paxos round each,
 * as before the mark existed.
 */
final class CassandraWorkerIdLeaseStore implements WorkerIdLeaseStore {

    static final String TABLE = "id_worker_leases";

    private final CqlSession session;
    private final ConsistencyLevel serialConsistency;
    private final PreparedStatement selectLeased;
    private final PreparedStatement claim;
    private final PreparedStatement selectHighWaterMark;
    private final PreparedStatement renew;
    private final PreparedStatement release;

    CassandraWorkerIdLeaseStore(CqlSession session) {
        this.session = session;
        // The mark is read at the serial level the LWTs use: it sees every committed LWT, including
        // one whose Paxos round the previous holder left unfinished.
        this.serialConsistency = DefaultConsistencyLevel.valueOf(session.getContext().getConfig()
                .getDefaultProfile().getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
        this.selectLeased = session.prepare("SELECT worker_id, owner FROM " + TABLE);
        // IF owner = null also holds for a row that does not exist (a worker id never used).
        this.claim = session.prepare("UPDATE " + TABLE + " USING TTL ? SET owner = ?, leased_at = ?"
                + " WHERE worker_id = ? IF owner = null");
        this.selectHighWaterMark = session.prepare("SELECT high_water_mark FROM " + TABLE + " WHERE worker_id = ?");
        this.renew = session.prepare("BEGIN BATCH"
                + " UPDATE " + TABLE + " USING TTL ? SET owner = ?, leased_at = ? WHERE worker_id = ? IF owner = ?;"
                + " UPDATE " + TABLE + " SET high_water_mark = ? WHERE worker_id = ?;"
                + " APPLY BATCH");
        this.release = session.prepare("BEGIN BATCH"
                + " DELETE owner, leased_at FROM " + TABLE + " WHERE worker_id = ? IF owner = ?;"
                + " UPDATE " + TABLE + " SET high_water_mark = ? WHERE worker_id = ?;"
                + " APPLY BATCH");
    }

    @Override
    public Set<Integer> leasedWorkerIds() {
        // At most 1024 small rows: scanning the table is cheaper than probing ids one LWT at a time.
        // Rows of released or expired leases remain for their mark; only a live owner means taken.
        Set<Integer> leased = new HashSet<>();
        for (Row row : session.execute(selectLeased.bind())) {
            if (!row.isNull("owner")) {
                leased.add(row.getInt("worker_id"));
            }
        }
        return leased;
    }

    @Override
    public boolean claim(int workerId, String owner, Instant at, Duration ttl) {
        return session.execute(claim.bind(ttlSeconds(ttl), owner, at, workerId)).wasApplied();
    }

    @Override
    public OptionalLong highWaterMark(int workerId) {
        Row row = session.execute(selectHighWaterMark.bind(workerId).setConsistencyLevel(serialConsistency)).one();
        if (row == null || row.isNull("high_water_mark")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(row.getInstant("high_water_mark").toEpochMilli());
    }

    @Override
    public boolean renew(int workerId, String owner, Instant at, Duration ttl, long highWaterMark) {
        return session.execute(renew.bind(ttlSeconds(ttl), owner, at, workerId, owner,
                Instant.ofEpochMilli(highWaterMark), workerId)).wasApplied();
    }

    @Override
    public void release(int workerId, String owner, long highWaterMark) {
        session.execute(release.bind(workerId, owner, Instant.ofEpochMilli(highWaterMark), workerId));
    }

    private static int ttlSeconds(Duration ttl) {
        return Math.toIntExact(ttl.toSeconds());
    }
}
