package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Our own lease-store contract, kept in memory for unit tests of the lease state machine (the
 * Cassandra store is tested against a real Cassandra in the ITs). Leases here never expire by
 * themselves: tests expire them with {@link #steal}/{@link #drop}. High-water marks outlive the
 * leases, as in Cassandra, and change only under the lease.
 */
final class InMemoryWorkerIdLeaseStore implements WorkerIdLeaseStore {

    private final Map<Integer, String> owners = new HashMap<>();
    private final Map<Integer, Long> highWaterMarks = new HashMap<>();
    int claimAttempts;
    int renewals;
    RuntimeException renewFailure;

    @Override
    public synchronized Set<Integer> leasedWorkerIds() {
        return new TreeSet<>(owners.keySet());
    }

    @Override
    public synchronized boolean claim(int workerId, String owner, Instant at, Duration ttl) {
        claimAttempts++;
        return owners.putIfAbsent(workerId, owner) == null;
    }

    @Override
    public synchronized OptionalLong highWaterMark(int workerId) {
        Long mark = highWaterMarks.get(workerId);
        return mark == null ? OptionalLong.empty() : OptionalLong.of(mark);
    }

    @Override
    public synchronized boolean renew(int workerId, String owner, Instant at, Duration ttl, long highWaterMark) {
        if (renewFailure != null) {
            throw renewFailure;
        }
        renewals++;
        if (!owner.equals(owners.get(workerId))) {
            return false;
        }
        highWaterMarks.put(workerId, highWaterMark);
        return true;
    }

    @Override
    public synchronized void release(int workerId, String owner, long highWaterMark) {
        if (owners.remove(workerId, owner)) {
            highWaterMarks.put(workerId, highWaterMark);
        }
    }

    synchronized void steal(int workerId, String newOwner) {
        owners.put(workerId, newOwner);
    }

    /** As if the lease's TTL ran out: the owner goes, the mark stays. */
    synchronized void drop(int workerId) {
        owners.remove(workerId);
    }

    synchronized String ownerOf(int workerId) {
        return owners.get(workerId);
    }

    /** The stored mark, or null if none was ever written. */
    synchronized Long highWaterMarkOf(int workerId) {
        return highWaterMarks.get(workerId);
    }
}
