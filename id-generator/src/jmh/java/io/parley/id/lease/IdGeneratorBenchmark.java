package io.parley.id.lease;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.parley.id.SnowflakeIdGenerator;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Ids per second from one generator (one worker id), with 1 and 2 calling threads.
 *
 * <ul>
 * <li>{@code snowflake*}: {@link SnowflakeIdGenerator} on the system clock. The layout allows
 *     4,096 ids per ms per worker, so 4.096 M ids/s is the ceiling whatever the CPU.</li>
 * <li>{@code leased*}: the same plus the per-id lease check ({@link LeasedIdGenerator}), which is
 *     what services get; renewals are not running (they happen every 10 s off the hot path).</li>
 * <li>{@code uncapped*}: a clock that ticks every 4,096 reads, so the generator never waits for a
 *     millisecond: the cost of the algorithm itself (CAS loop), i.e. the headroom under the cap.</li>
 * <li>{@code leasedUncapped*}: {@link LeasedIdGenerator} on that clock: the algorithm plus the per-id
 *     lease and high-water mark checks. The clock runs far faster than real time, so the mark is
 *     raised (a renewal on the calling thread, in memory here) about once per 120 M ids.</li>
 * </ul>
 *
 * Run: see id-generator/README.md ("Benchmark").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class IdGeneratorBenchmark {

    private SnowflakeIdGenerator snowflake;
    private LeasedIdGenerator leased;
    private SnowflakeIdGenerator uncapped;
    private LeasedIdGenerator leasedUncapped;

    @Setup
    public void setUp() {
        snowflake = new SnowflakeIdGenerator(1);
        CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(new InMemoryWorkerIdLeaseStore(),
                WorkerIdLeaseSettings.defaults(), () -> 2, System::nanoTime, Clock.systemUTC(), false);
        leased = new LeasedIdGenerator(leaser.acquire("benchmark"));
        uncapped = new SnowflakeIdGenerator(3, new TickEvery4096Reads());
        CassandraWorkerIdLeaser uncappedLeaser = new CassandraWorkerIdLeaser(new InMemoryWorkerIdLeaseStore(),
                WorkerIdLeaseSettings.defaults(), () -> 4, System::nanoTime, Clock.systemUTC(), false);
        leasedUncapped = new LeasedIdGenerator(uncappedLeaser.acquire("benchmark"), new TickEvery4096Reads());
    }

    @TearDown
    public void tearDown() {
        leased.lease().abandon();
        leasedUncapped.lease().abandon();
    }

    @Benchmark
    @Threads(1)
    public long snowflakeOneThread() {
        return snowflake.nextId();
    }

    @Benchmark
    @Threads(2)
    public long snowflakeTwoThreads() {
        return snowflake.nextId();
    }

    @Benchmark
    @Threads(1)
    public long leasedOneThread() {
        return leased.nextId();
    }

    @Benchmark
    @Threads(2)
    public long leasedTwoThreads() {
        return leased.nextId();
    }

    @Benchmark
    @Threads(1)
    public long uncappedOneThread() {
        return uncapped.nextId();
    }

    @Benchmark
    @Threads(2)
    public long uncappedTwoThreads() {
        return uncapped.nextId();
    }

    @Benchmark
    @Threads(1)
    public long leasedUncappedOneThread() {
        return leasedUncapped.nextId();
    }

    @Benchmark
    @Threads(2)
    public long leasedUncappedTwoThreads() {
        return leasedUncapped.nextId();
    }

    /** Advances one millisecond every 4,096 reads, starting now. */
    static final class TickEvery4096Reads extends Clock {
        private final long start = System.currentTimeMillis();
        private final AtomicLong reads = new AtomicLong();

        @Override
        public long millis() {
            return start + (reads.getAndIncrement() >>> 12);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
