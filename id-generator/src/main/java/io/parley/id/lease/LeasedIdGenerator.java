package io.parley.id.lease;

import java.time.Clock;
import java.util.Objects;

import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeIdGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Snowflake generator whose worker id is a {@link WorkerIdLease}: it issues ids only while the
 * lease is valid, and gives the worker id back on {@link #close()}.
 */
public final class LeasedIdGenerator implements IdGenerator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeasedIdGenerator.class);

    /** On close, wait at most this long for the wall clock to pass our last id before releasing. */
    private static final long MAX_CLOSE_WAIT_MILLIS = 1_000;

    private final WorkerIdLease lease;
    private final SnowflakeIdGenerator generator;
    private final Clock clock;
    private volatile boolean closed;

    public LeasedIdGenerator(WorkerIdLease lease) {
        this(lease, Clock.systemUTC());
    }

    public LeasedIdGenerator(WorkerIdLease lease, Clock clock) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.generator = new SnowflakeIdGenerator(lease.workerId(), clock);
    }

    /**
     * The lease is checked <em>after</em> the id is made: if it is still valid then, it was valid
     * while the id was made too, so even a thread paused between the two steps cannot return an
     * id made after the worker id could have passed to another process.
     *
     * @throws WorkerIdLeaseLostException if the lease is lost, expired locally or released
     */
    @Override
    public long nextId() {
        long id = generator.nextId();
        if (closed) {
            throw new WorkerIdLeaseLostException("id generator of worker " + lease.workerId() + " is closed");
        }
        lease.checkValid();
        return id;
    }

    public int workerId() {
        return lease.workerId();
    }

    public WorkerIdLease lease() {
        return lease;
    }

    /** The underlying generator, for its clock-regression counters. */
    public SnowflakeIdGenerator generator() {
        return generator;
    }

    /**
     * Stops issuing and releases the worker id. The next holder may be on a host whose clock is a
     * little behind ours, so the release waits until our wall clock has passed the last id's
     * timestamp; if our ids ran far ahead (a clock regression), the row is left to expire by its TTL
     * instead, which gives the next holder's clock that much longer to catch up.
     */
    @Override
    public void close() {
        // Refuse new ids first, so that the last issued timestamp read below is final.
        closed = true;
        long aheadMillis = generator.issuedBeforeEpochMillis() - clock.millis();
        if (aheadMillis > MAX_CLOSE_WAIT_MILLIS) {
            log.warn("Ids of worker {} run {} ms ahead of the wall clock; leaving the lease to expire after {} "
                    + "instead of releasing it", lease.workerId(), aheadMillis, lease.settings().ttl());
            lease.abandon();
            return;
        }
        if (aheadMillis > 0) {
            try {
                Thread.sleep(aheadMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lease.abandon();
                return;
            }
        }
        lease.close();
    }

    @Override
    public String toString() {
        return "LeasedIdGenerator[" + lease + "]";
    }
}
