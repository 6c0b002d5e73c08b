package io.parley.id.lease;

import java.time.Clock;
import java.util.Objects;

import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeId;
import io.parley.id.SnowflakeIdGenerator;

/**
 * A Snowflake generator whose worker id is a {@link WorkerIdLease}: it issues ids only while the
 * lease is valid and only up to the worker id's persisted high-water mark, starts after the mark
 * earlier holders left, and gives the worker id back on {@link #close()}.
 */
public final class LeasedIdGenerator implements IdGenerator, AutoCloseable {

    private final WorkerIdLease lease;
    private final SnowflakeIdGenerator generator;
    private volatile boolean closed;

    public LeasedIdGenerator(WorkerIdLease lease) {
        this(lease, Clock.systemUTC());
    }

    public LeasedIdGenerator(WorkerIdLease lease, Clock clock) {
        this.lease = Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(clock, "clock");
        // Earlier holders' ids end at the inherited mark: ours start after it, whatever our clock says.
        this.generator = new SnowflakeIdGenerator(lease.workerId(), clock, lease.inheritedHighWaterMark());
        lease.attach(generator, clock);
    }

    /**
     * The lease is checked <em>after</em> the id is made: if it is still valid then, it was valid
     * while the id was made too, so even a thread paused between the two steps cannot return an
     * id made after the worker id could have passed to another process. Likewise the mark is read
     * after: it only rises, and only once the store has it, so an id at or below it is covered.
     *
     * @throws WorkerIdLeaseLostException if the lease is lost, expired locally or released, or the
     *         high-water mark had to be raised and could not be
     */
    @Override
    public long nextId() {
        long id = generator.nextId();
        if (closed) {
            throw new WorkerIdLeaseLostException("id generator of worker " + lease.workerId() + " is closed");
        }
        lease.checkValid();
        long timestamp = SnowflakeId.timestampMillis(id);
        if (timestamp > lease.highWaterMark()) {
            // Rare (renewals keep the mark a TTL ahead): the clock jumped forward, or ids ran ahead.
            lease.ensureHighWaterMarkCovers(timestamp);
        }
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
     * Stops issuing and releases the worker id, leaving our last id's timestamp as its high-water
     * mark: the next holder starts after it however far its clock is behind ours, so there is no
     * need to wait for anybody's clock to pass our ids.
     */
    @Override
    public void close() {
        // Refuse new ids first, so that the last issued timestamp the release writes is final.
        closed = true;
        lease.close();
    }

    @Override
    public String toString() {
        return "LeasedIdGenerator[" + lease + "]";
    }
}
