package io.parley.id.lease;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker id held by this process, renewed in the background until {@link #close()}.
 *
 * <p>Validity is judged on the local monotonic clock ({@link System#nanoTime()}), never on the
 * wall clock, which may jump: the lease is valid until {@code t0 + localValidity}, where t0 is
 * when the last successful claim or renewal was <em>sent</em> (so the Cassandra-side expiry is
 * later still). The lease is lost for good when a renewal is rejected (the row is gone or has
 * another owner). A renewal that fails with an error (timeout, node down) is retried at the next
 * interval; if none succeeds before the local deadline the lease is invalid until one does. A late
 * renewal that still succeeds proves the row never expired (only its owner can have written it,
 * and a conditional update cannot resurrect an expired row), so it is safe to resume then.
 */
public final class WorkerIdLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerIdLease.class);

    private enum State { ACTIVE, LOST, CLOSED }

    private final WorkerIdLeaseStore store;
    private final int workerId;
    private final String owner;
    private final WorkerIdLeaseSettings settings;
    private final LongSupplier nanoTicker;
    private final Clock clock;
    private final ScheduledExecutorService renewer; // null when renewals are driven by hand (tests)

    private volatile State state = State.ACTIVE;
    private volatile String lostReason;
    private volatile long validUntilNanos;

    WorkerIdLease(WorkerIdLeaseStore store, int workerId, String owner, WorkerIdLeaseSettings settings,
            long claimSentAtNanos, LongSupplier nanoTicker, Clock clock, ScheduledExecutorService renewer) {
        this.store = store;
        this.workerId = workerId;
        this.owner = owner;
        this.settings = settings;
        this.nanoTicker = nanoTicker;
        this.clock = clock;
        this.renewer = renewer;
        this.validUntilNanos = claimSentAtNanos + settings.localValidity().toNanos();
        if (renewer != null) {
            long every = settings.renewInterval().toNanos();
            renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.NANOSECONDS);
        }
    }

    public int workerId() {
        return workerId;
    }

    /** Who holds the lease, as written to {@code id_worker_leases.owner}: host, pid and a random part. */
    public String owner() {
        return owner;
    }

    public WorkerIdLeaseSettings settings() {
        return settings;
    }

    public boolean isValid() {
        return state == State.ACTIVE && nanoTicker.getAsLong() - validUntilNanos < 0;
    }

    /**
     * Cheap enough for every id: two volatile reads and a {@code nanoTime}.
     *
     * @throws WorkerIdLeaseLostException if the lease is lost, closed or not renewed in time
     */
    public void checkValid() {
        State current = state;
        if (current != State.ACTIVE) {
            throw new WorkerIdLeaseLostException(current == State.CLOSED
                    ? "worker id " + workerId + " lease was released"
                    : "worker id " + workerId + " lease was lost: " + lostReason);
        }
        long overdueNanos = nanoTicker.getAsLong() - validUntilNanos;
        if (overdueNanos >= 0) {
            throw new WorkerIdLeaseLostException("worker id " + workerId + " lease was not renewed in time (ttl "
                    + settings.ttl() + ", overdue by " + Duration.ofNanos(overdueNanos).toMillis() + " ms); "
                    + "is Cassandra reachable?");
        }
    }

    /** One renewal attempt; scheduled every {@code renewInterval}. Never throws. */
    void renew() {
        if (state != State.ACTIVE) {
            return;
        }
        long sentAt = nanoTicker.getAsLong();
        boolean applied;
        try {
            applied = store.renew(workerId, owner, clock.instant(), settings.ttl());
        } catch (RuntimeException e) {
            // Unknown outcome: keep the old deadline and try again at the next interval.
            log.warn("Could not renew worker id {} lease (owner {}); will retry, valid for another {} ms",
                    workerId, owner, Duration.ofNanos(validUntilNanos - nanoTicker.getAsLong()).toMillis(), e);
            return;
        }
        if (applied) {
            validUntilNanos = sentAt + settings.localValidity().toNanos();
        } else {
            markLost("the lease row expired or belongs to another owner");
        }
    }

    private void markLost(String reason) {
        lostReason = reason;
        state = State.LOST;
        log.error("Lost worker id {} lease (owner {}): {}. This generator issues no more ids.", workerId, owner, reason);
        stopRenewing();
    }

    /**
     * Stops renewing without deleting the row: the worker id becomes free only when the TTL runs
     * out. Used when ids this process issued may still be ahead of the wall clock.
     */
    public void abandon() {
        if (state == State.ACTIVE) {
            state = State.CLOSED;
        }
        stopRenewing();
    }

    /** Stops issuing, stops renewing and gives the worker id back. */
    @Override
    public void close() {
        boolean wasActive = state == State.ACTIVE;
        abandon();
        if (wasActive) {
            try {
                store.release(workerId, owner);
            } catch (RuntimeException e) {
                log.warn("Could not release worker id {} (owner {}); it frees itself when its TTL runs out",
                        workerId, owner, e);
            }
        }
    }

    private void stopRenewing() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "WorkerIdLease[workerId=" + workerId + ", owner=" + owner + ", state=" + state + "]";
    }
}
