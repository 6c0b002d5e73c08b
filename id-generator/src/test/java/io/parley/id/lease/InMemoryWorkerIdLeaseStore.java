package io.parley.id.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Our own lease-store contract, kept in memory for unit tests of the lease state machine (the
 * Cassandra store is tested against a real Cassandra in the ITs). Leases here never expire by
 * themselves: tests expire them with {@link #steal}/{@link #drop}.
 */
final class InMemoryWorkerIdLeaseStore implements WorkerIdLeaseStore {

    private final Map<Integer, String> owners = new HashMap<>();
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
    public synchronized boolean renew(int workerId, String owner, Instant at, Duration ttl) {
        if (renewFailure != null) {
            throw renewFailure;
        }
        renewals++;
        return owner.equals(owners.get(workerId));
    }

    @Override
    public synchronized void release(int workerId, String owner) {
        owners.remove(workerId, owner);
    }

    synchronized void steal(int workerId, String newOwner) {
        owners.put(workerId, newOwner);
    }

    synchronized void drop(int workerId) {
        owners.remove(workerId);
    }

    synchronized String ownerOf(int workerId) {
        return owners.get(workerId);
    }
}
