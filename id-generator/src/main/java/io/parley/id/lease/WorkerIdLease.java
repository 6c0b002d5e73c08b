package io.parley.id.lease;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.parley.id.SnowflakeId;
import io.parley.id.SnowflakeIdGenerator;

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
 *
 * <p><b>High-water mark.</b> The lease also keeps the worker id's high-water mark in the store: no
 * id of this worker id, ours or an earlier holder's, has a timestamp after it. Our generator
 * starts just after the mark we {@linkplain #inheritedHighWaterMark() inherited}, so even if our
 * clock is behind the previous holder's, we never repeat its ids. Every renewal raises the mark to
 * {@code max(last id issued, now) + ttl} in the same lightweight transaction that extends the
 * lease, which is ahead of anything our generator can issue before the lease runs out locally
 * ({@code ttl - margin} after the renewal was sent); the generator may return only ids at or below
 * the mark that was persisted ({@link #highWaterMark()}), and raises it first (a synchronous
 * renewal, {@link #ensureHighWaterMarkCovers}) if a clock jump or ids running ahead would pass it.
 * On release the mark is set to the exact last id, so the next holder starts right after it
 * instead of up to a TTL ahead. All writes of the mark are serialized here, and all but the
 * release only raise it, so a renewal whose outcome was unknown can never leave it below an id.
 */
public final class WorkerIdLease implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerIdLease.class);

    /** The mark of a worker id nobody has issued ids under: any instant before the Snowflake epoch. */
    static final long NO_IDS_YET = SnowflakeId.EPOCH.toEpochMilli() - 1;

    private enum State { ACTIVE, LOST, CLOSED }

    private final WorkerIdLeaseStore store;
    private final int workerId;
    private final String owner;
    private final WorkerIdLeaseSettings settings;
    private final LongSupplier nanoTicker;
    private final Clock clock;
    private final ScheduledExecutorService renewer; // null when renewals are driven by hand (tests)
    private final long inheritedHighWaterMark;

    /** Held while writing the lease row, so that marks reach the store in the order they were chosen. */
    private final Object rowWrites = new Object();

    private volatile State state = State.ACTIVE;
    private volatile String lostReason;
    private volatile long validUntilNanos;
    /** The mark the store has acknowledged (epoch ms); ids with later timestamps must not be returned. */
    private volatile long highWaterMark;
    /** The generator issuing under this lease, once {@link LeasedIdGenerator} attached it. */
    private volatile SnowflakeIdGenerator generator;
    private volatile Clock generatorClock;

    WorkerIdLease(WorkerIdLeaseStore store, int workerId, String owner, WorkerIdLeaseSettings settings,
            long claimSentAtNanos, LongSupplier nanoTicker, Clock clock, long inheritedHighWaterMark,
            ScheduledExecutorService renewer) {
        this.store = store;
        this.workerId = workerId;
        this.owner = owner;
        this.settings = settings;
        this.nanoTicker = nanoTicker;
        this.clock = clock;
        this.renewer = renewer;
        this.inheritedHighWaterMark = inheritedHighWaterMark;
        this.highWaterMark = inheritedHighWaterMark;
        this.generatorClock = clock;
        this.validUntilNanos = claimSentAtNanos + settings.localValidity().toNanos();
    }

    /**
     * Persists a first high-water mark of our own (ahead of the inherited one and of our clock),
     * then starts the background renewals. Called once by the leaser, before handing the lease out.
     *
     * @throws WorkerIdLeaseLostException if the row was taken over in between (then nothing is started)
     * @throws RuntimeException what the store throws (then the claimed row expires by its TTL)
     */
    void start() {
        synchronized (rowWrites) {
            if (!renewNow()) {
                throw new WorkerIdLeaseLostException("worker id " + workerId + " was taken over right after it was claimed");
            }
        }
        if (renewer != null) {
            long every = settings.renewInterval().toNanos();
            renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Lets the renewals base the mark on the ids {@code issuer} has issued and on its clock (which
     * may differ from the lease's), and the release on its exact last id. One generator per lease.
     */
    void attach(SnowflakeIdGenerator issuer, Clock issuerClock) {
        if (generator != null) {
            throw new IllegalStateException("worker id " + workerId + " lease already has a generator");
        }
        generatorClock = issuerClock;
        generator = issuer;
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

    /**
     * The worker id's high-water mark when we acquired it (epoch ms): earlier holders issued no id
     * after it, so every id of ours must be later. Before the Snowflake epoch if there was none.
     */
    public long inheritedHighWaterMark() {
        return inheritedHighWaterMark;
    }

    /** The high-water mark persisted by this holder (epoch ms): no id after it may be returned. */
    public long highWaterMark() {
        return highWaterMark;
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

    /**
     * Makes sure the persisted mark is at or after {@code timestampMillis}, renewing right now (on
     * the caller's thread) if it is not. Off the usual path: renewals keep the mark a TTL ahead of
     * the clock, so only a forward clock jump of more than ~ttl − renewInterval, or ids running
     * ahead of the clock faster than real time, get here.
     *
     * @throws WorkerIdLeaseLostException if the mark could not be raised (lease lost or closed,
     *         Cassandra unreachable); the id must then not be returned
     */
    void ensureHighWaterMarkCovers(long timestampMillis) {
        synchronized (rowWrites) {
            if (highWaterMark >= timestampMillis) {
                return; // another thread raised it while we waited
            }
            checkValid();
            try {
                renewNow();
            } catch (RuntimeException e) {
                throw new WorkerIdLeaseLostException("worker id " + workerId + " reached its high-water mark "
                        + Instant.ofEpochMilli(highWaterMark) + " and could not raise it; is Cassandra reachable?", e);
            }
            checkValid(); // a rejected renewal lost the lease
            if (highWaterMark < timestampMillis) {
                throw new IllegalStateException("worker id " + workerId + ": id at " + Instant.ofEpochMilli(timestampMillis)
                        + " is after the raised high-water mark " + Instant.ofEpochMilli(highWaterMark));
            }
        }
    }

    /** One renewal attempt; scheduled every {@code renewInterval}. Never throws. */
    void renew() {
        synchronized (rowWrites) {
            if (state != State.ACTIVE) {
                return;
            }
            try {
                renewNow();
            } catch (RuntimeException e) {
                // Unknown outcome: keep the old deadline and mark, try again at the next interval.
                log.warn("Could not renew worker id {} lease (owner {}); will retry, valid for another {} ms",
                        workerId, owner, Duration.ofNanos(validUntilNanos - nanoTicker.getAsLong()).toMillis(), e);
            }
        }
    }

    /**
     * Extends the lease and raises the mark in one conditional write. Caller holds {@link #rowWrites}.
     *
     * @return whether it applied; if it was rejected the lease is lost
     */
    private boolean renewNow() {
        long sentAt = nanoTicker.getAsLong();
        long nextMark = nextHighWaterMark();
        boolean applied = store.renew(workerId, owner, clock.instant(), settings.ttl(), nextMark);
        if (applied) {
            highWaterMark = nextMark;
            validUntilNanos = sentAt + settings.localValidity().toNanos();
        } else {
            markLost("the lease row expired or belongs to another owner");
        }
        return applied;
    }

    /**
     * A TTL past the newer of our last id and our generator's clock: while the lease stays valid
     * (ttl − margin after this renewal is sent), a generator whose clock runs at the rate of
     * {@code nanoTime} cannot reach it. After a crash the next holder can claim the row only once it
     * expired, a TTL after the renewal, so a next holder on a clock in step with ours starts at its
     * own clock, not ahead of it. Never lower than a mark already persisted.
     */
    private long nextHighWaterMark() {
        SnowflakeIdGenerator issuer = generator;
        long lastIssued = issuer == null ? highWaterMark : issuer.lastIssuedEpochMillis();
        long issuedOrNow = Math.max(lastIssued, generatorClock.millis());
        return Math.max(highWaterMark, issuedOrNow + settings.ttl().toMillis());
    }

    private void markLost(String reason) {
        lostReason = reason;
        state = State.LOST;
        log.error("Lost worker id {} lease (owner {}): {}. This generator issues no more ids.", workerId, owner, reason);
        stopRenewing();
    }

    /**
     * Stops renewing without touching the row: the worker id becomes free only when the TTL runs
     * out, and its mark stays at the last one persisted (which covers every id issued).
     */
    public void abandon() {
        if (state == State.ACTIVE) {
            state = State.CLOSED;
        }
        stopRenewing();
    }

    /**
     * Stops issuing, stops renewing and gives the worker id back, setting its mark to our exact
     * last id (or, if no generator is attached, leaving the last persisted mark).
     */
    @Override
    public void close() {
        synchronized (rowWrites) {
            boolean wasActive = state == State.ACTIVE;
            abandon();
            if (!wasActive) {
                return;
            }
            // Read after the state became CLOSED: a thread that still returns an id saw ACTIVE in
            // checkValid(), after making its id, so its id is included (see LeasedIdGenerator).
            SnowflakeIdGenerator issuer = generator;
            long lastIssued = issuer == null ? highWaterMark : issuer.lastIssuedEpochMillis();
            try {
                store.release(workerId, owner, lastIssued);
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
