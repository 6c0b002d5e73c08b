package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Where worker id leases live. Every method that changes a lease must be a linearizable
 * compare-and-set: two callers can never both succeed in claiming the same worker id while a
 * lease on it is live. {@link CassandraWorkerIdLeaseStore} does this with lightweight
 * transactions; the interface exists so the lease state machine can be unit-tested.
 */
interface WorkerIdLeaseStore {

    /** Worker ids leased right now, as far as a plain read can tell: a hint, not a guarantee. */
    Set<Integer> leasedWorkerIds();

    /** Claims {@code workerId} for {@code owner} if nobody holds it; true if it is now ours. */
    boolean claim(int workerId, String owner, Instant at, Duration ttl);

    /** Extends the lease if {@code owner} still holds it; false if it is gone or someone else's. */
    boolean renew(int workerId, String owner, Instant at, Duration ttl);

    /** Gives the worker id back if {@code owner} still holds it. */
    void release(int workerId, String owner);
}
