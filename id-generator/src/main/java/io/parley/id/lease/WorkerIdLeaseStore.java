package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where worker id leases live. Every method that changes a lease must be a linearizable
 * compare-and-set: two callers can never both succeed in claiming the same worker id while a
 * lease on it is live. {@link CassandraWorkerIdLeaseStore} does this with lightweight
 * transactions; the interface exists so the lease state machine can be unit-tested.
 *
 * <p>Each worker id also has a <b>high-water mark</b> (epoch milliseconds): no id ever issued under
 * it has a later timestamp. It outlives the lease (a released or expired lease leaves it behind)
 * and changes only together with a check that the caller still holds the lease, so a holder that
 * lost its lease can never move it back under the next holder.
 */
interface WorkerIdLeaseStore {

    /** Worker ids leased right now, as far as a plain read can tell: a hint, not a guarantee. */
    Set<Integer> leasedWorkerIds();

    /** Claims {@code workerId} for {@code owner} if nobody holds it; true if it is now ours. */
    boolean claim(int workerId, String owner, Instant at, Duration ttl);

    /**
     * The worker id's high-water mark as of now (linearizable: it reflects every write that
     * completed before this call), or empty if no holder ever wrote one.
     */
    OptionalLong highWaterMark(int workerId);

    /**
     * Extends the lease and sets the high-water mark to {@code highWaterMark}, atomically, if
     * {@code owner} still holds it; false if it is gone or someone else's (then nothing changes).
     */
    boolean renew(int workerId, String owner, Instant at, Duration ttl, long highWaterMark);

    /**
     * Gives the worker id back and sets its high-water mark to {@code highWaterMark}, atomically,
     * if {@code owner} still holds it; otherwise changes nothing.
     */
    void release(int workerId, String owner, long highWaterMark);
}
