package io.parley.id;

import static io.parley.id.SnowflakeId.EPOCH_MILLIS;
import static io.parley.id.SnowflakeId.MAX_SEQUENCE;
import static io.parley.id.SnowflakeId.MAX_TIMESTAMP;
import static io.parley.id.SnowflakeId.SEQUENCE_BITS;
import static io.parley.id.SnowflakeId.TIMESTAMP_SHIFT;
import static io.parley.id.SnowflakeId.WORKER_ID_SHIFT;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock-free Snowflake generator for one worker id (layout in {@link SnowflakeId}).
 *
 * <p><b>State.</b> The last issued (timestamp, sequence) pair lives in one {@link AtomicLong} as
 * {@code timestamp << 12 | sequence}. Every successful compare-and-set stores a strictly larger
 * value, and the id is that value with the worker id spliced in, so ids from one generator are
 * unique and strictly increasing in the order the CAS succeeded, whatever the clock does.
 *
 * <p><b>Normal case.</b> A new millisecond restarts the sequence at 0; within a millisecond the
 * sequence counts up to 4095. If all 4096 are used, the caller spins until the clock ticks: the
 * generator never runs ahead of a healthy clock, so its ids' timestamps stay honest and the
 * throughput per worker is capped at 4,096 ids/ms by design.
 *
 * <p><b>Clock moved backwards</b> (NTP step, VM migration). Waiting for the clock to catch up
 * could block callers for seconds, so the generator keeps issuing from its last timestamp: it
 * borrows the remaining sequence numbers of that millisecond and, when they run out, advances its
 * logical timestamp by one millisecond. Ids stay unique and increasing; their timestamps run
 * ahead of the wall clock until it catches up. Each such id is counted
 * ({@link #idsIssuedAheadOfClock()}) and regressions of a second or more are logged (at most
 * every 10 s) because they usually mean a clock problem worth an alert.
 */
public final class SnowflakeIdGenerator implements IdGenerator {

    private static final Logger log = LoggerFactory.getLogger(SnowflakeIdGenerator.class);

    /** Regressions at least this large are logged as warnings. */
    static final long LARGE_REGRESSION_MILLIS = 1_000;
    private static final long WARNING_INTERVAL_MILLIS = 10_000;

    private final int workerId;
    private final long workerBits;
    private final Clock clock;

    /** {@code timestamp << 12 | sequence} of the last issued id; 0 before the first. */
    private final AtomicLong last = new AtomicLong();

    private final LongAdder aheadOfClock = new LongAdder();
    private final AtomicLong maxRegressionMillis = new AtomicLong();
    private final AtomicLong lastWarningAt = new AtomicLong();

    /** A generator on the system clock. */
    public SnowflakeIdGenerator(int workerId) {
        this(workerId, Clock.systemUTC());
    }

    /**
     * @param workerId 0..1023, unique among live generators (see {@code CassandraWorkerIdLeaser})
     * @param clock the wall clock; injected so tests can stop it or turn it back
     */
    public SnowflakeIdGenerator(int workerId, Clock clock) {
        this(workerId, clock, EPOCH_MILLIS - 1);
    }

    /**
     * A generator that continues after earlier holders of the same worker id: every id it issues
     * has a timestamp after {@code issuedThroughEpochMillis}, even if this clock is behind it (it
     * then issues ahead of its clock, as after a clock regression, until the clock catches up).
     *
     * @param issuedThroughEpochMillis no earlier id of this worker id has a later timestamp (the
     *        worker id's high-water mark, epoch milliseconds); anything before the Snowflake epoch
     *        means none was ever issued
     */
    public SnowflakeIdGenerator(int workerId, Clock clock, long issuedThroughEpochMillis) {
        this.workerId = SnowflakeId.checkWorkerId(workerId);
        this.workerBits = (long) workerId << WORKER_ID_SHIFT;
        this.clock = Objects.requireNonNull(clock, "clock");
        if (issuedThroughEpochMillis >= EPOCH_MILLIS) {
            // As if the last id had used the mark's final sequence number: the next id needs a
            // later millisecond, whichever way nextId() finds it.
            long markMillis = checkTimestamp(issuedThroughEpochMillis - EPOCH_MILLIS);
            last.set(markMillis << SEQUENCE_BITS | MAX_SEQUENCE);
        }
    }

    @Override
    public long nextId() {
        while (true) {
            long previous = last.get();
            long previousMillis = previous >>> SEQUENCE_BITS;
            long now = millisSinceEpoch();
            long next;
            if (now > previousMillis) {
                next = now << SEQUENCE_BITS; // a new millisecond: sequence 0
            } else if ((previous & MAX_SEQUENCE) < MAX_SEQUENCE) {
                next = previous + 1; // same millisecond, or clock behind: next sequence number
            } else if (now < previousMillis) {
                // Clock behind and this millisecond used up: borrow the next one rather than
                // block callers for as long as the clock is behind.
                next = checkTimestamp(previousMillis + 1) << SEQUENCE_BITS;
            } else {
                // 4096 ids in this millisecond already: wait for the clock to tick.
                Thread.onSpinWait();
                continue;
            }
            if (last.compareAndSet(previous, next)) {
                if (now < previousMillis) {
                    onClockBehind(previousMillis - now);
                }
                return ((next >>> SEQUENCE_BITS) << TIMESTAMP_SHIFT) | workerBits | (next & MAX_SEQUENCE);
            }
            // Lost a race with another thread: re-read and try again.
        }
    }

    public int workerId() {
        return workerId;
    }

    /** How many ids were issued while the wall clock was behind this generator's logical clock. */
    public long idsIssuedAheadOfClock() {
        return aheadOfClock.sum();
    }

    /** The largest distance the wall clock has been seen behind this generator's logical clock. */
    public Duration maxClockRegression() {
        return Duration.ofMillis(maxRegressionMillis.get());
    }

    /**
     * The timestamp (epoch milliseconds) of the newest id issued, or of the starting point given
     * to the constructor if none was issued since: no id of this generator has a later timestamp.
     * A generator that was given no starting point and issued nothing answers the epoch.
     */
    public long lastIssuedEpochMillis() {
        return EPOCH_MILLIS + (last.get() >>> SEQUENCE_BITS);
    }

    private long millisSinceEpoch() {
        return checkTimestamp(clock.millis() - EPOCH_MILLIS);
    }

    private static long checkTimestamp(long millisSinceEpoch) {
        if (millisSinceEpoch < 0 || millisSinceEpoch > MAX_TIMESTAMP) {
            throw new IllegalStateException("time is outside the id range " + SnowflakeId.EPOCH + " .. "
                    + SnowflakeId.LAST_INSTANT + ": " + millisSinceEpoch + " ms after the epoch");
        }
        return millisSinceEpoch;
    }

    private void onClockBehind(long regressionMillis) {
        aheadOfClock.increment();
        maxRegressionMillis.accumulateAndGet(regressionMillis, Math::max);
        if (regressionMillis >= LARGE_REGRESSION_MILLIS) {
            long now = System.currentTimeMillis();
            long previousWarning = lastWarningAt.get();
            if (now - previousWarning >= WARNING_INTERVAL_MILLIS && lastWarningAt.compareAndSet(previousWarning, now)) {
                log.warn("Clock is {} ms behind the last id issued by worker {}: issuing ids from the logical "
                        + "clock until the wall clock catches up ({} such ids so far). Check NTP on this host.",
                        regressionMillis, workerId, aheadOfClock.sum());
            }
        }
    }
}
