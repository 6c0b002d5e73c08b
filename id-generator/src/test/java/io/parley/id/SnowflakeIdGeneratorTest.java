package io.parley.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SnowflakeIdGeneratorTest {

    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void idsFromManyThreadsAreAllUnique() throws Exception {
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(42);
        int threads = 8;
        int perThread = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<long[]> task = () -> {
                    start.await();
                    long[] ids = new long[perThread];
                    for (int i = 0; i < perThread; i++) {
                        ids[i] = generator.nextId();
                    }
                    return ids;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            long[] all = new long[threads * perThread];
            for (int t = 0; t < threads; t++) {
                long[] ids = results.get(t).get(2, TimeUnit.MINUTES);
                assertStrictlyIncreasing(ids); // each thread sees its own ids in CAS order
                System.arraycopy(ids, 0, all, t * perThread, perThread);
            }
            Arrays.sort(all);
            for (int i = 1; i < all.length; i++) {
                assertThat(all[i]).as("id at sorted position %d", i).isNotEqualTo(all[i - 1]);
            }
            assertThat(all[0]).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idsAreStrictlyIncreasingInIssueOrder() {
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(7);
        long[] ids = new long[1_000_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = generator.nextId();
        }
        assertStrictlyIncreasing(ids);
        assertThat(SnowflakeId.decode(ids[0]).workerId()).isEqualTo(7);
    }

    @Test
    void idsCarryTheClockTimeAndWorkerIdAndStartEachMillisecondAtSequenceZero() {
        MutableClock clock = new MutableClock(T);
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(513, clock);

        SnowflakeId first = SnowflakeId.decode(generator.nextId());
        SnowflakeId second = SnowflakeId.decode(generator.nextId());
        clock.advanceMillis(3);
        SnowflakeId third = SnowflakeId.decode(generator.nextId());

        assertThat(first.timestamp()).isEqualTo(T);
        assertThat(first.workerId()).isEqualTo(513);
        assertThat(first.sequence()).isZero();
        assertThat(second.timestamp()).isEqualTo(T);
        assertThat(second.sequence()).isEqualTo(1);
        assertThat(third.timestamp()).isEqualTo(T.plusMillis(3));
        assertThat(third.sequence()).isZero();
    }

    @Test
    void clockJumpingBackFiveSecondsNeverYieldsASmallerOrDuplicateId() {
        MutableClock clock = new MutableClock(T);
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(1, clock);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(generator.nextId());
            clock.advanceMillis(1);
        }
        long lastBeforeJump = ids.get(ids.size() - 1);

        clock.advanceMillis(-5_000);
        // Far more than one millisecond's worth, so the logical clock has to move on.
        for (int i = 0; i < 3 * 4096 + 17; i++) {
            ids.add(generator.nextId());
            if (i % 1000 == 0) {
                clock.advanceMillis(1); // the wall clock creeps on, still seconds behind
            }
        }
        assertThat(ids.get(10)).isGreaterThan(lastBeforeJump);
        assertThat(generator.idsIssuedAheadOfClock()).isEqualTo(3 * 4096 + 17);
        assertThat(generator.maxClockRegression().toMillis()).isGreaterThanOrEqualTo(4_990);

        // Once the wall clock passes the logical clock again, ids follow the wall clock.
        clock.set(T.plusSeconds(1));
        long afterRecovery = generator.nextId();
        ids.add(afterRecovery);

        assertStrictlyIncreasing(ids.stream().mapToLong(Long::longValue).toArray());
        assertThat(SnowflakeId.decode(afterRecovery).timestamp()).isEqualTo(T.plusSeconds(1));
        assertThat(SnowflakeId.decode(afterRecovery).sequence()).isZero();
    }

    @Test
    void whileTheClockIsBehindIdsBorrowTheRemainingSequenceThenAdvanceTheLogicalMillisecond() {
        MutableClock clock = new MutableClock(T);
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(1, clock);
        generator.nextId(); // T, sequence 0
        clock.advanceMillis(-5_000);

        SnowflakeId borrowed = SnowflakeId.decode(generator.nextId());
        assertThat(borrowed.timestamp()).isEqualTo(T);
        assertThat(borrowed.sequence()).isEqualTo(1);

        for (int i = 2; i <= SnowflakeId.MAX_SEQUENCE; i++) {
            generator.nextId();
        }
        SnowflakeId advanced = SnowflakeId.decode(generator.nextId());
        assertThat(advanced.timestamp()).isEqualTo(T.plusMillis(1));
        assertThat(advanced.sequence()).isZero();
    }

    @Test
    void exhaustingTheSequenceWaitsForTheNextMillisecondInsteadOfRunningAhead() {
        long start = T.toEpochMilli();
        int reads = 4096 + 10;
        // Time stands still for 4106 reads, then moves on by 1 ms.
        MutableClock clock = new MutableClock(T, read -> read == reads ? start + 1 : -1);
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(3, clock);

        for (int sequence = 0; sequence <= SnowflakeId.MAX_SEQUENCE; sequence++) {
            SnowflakeId id = SnowflakeId.decode(generator.nextId());
            assertThat(id.timestamp()).isEqualTo(T);
            assertThat(id.sequence()).isEqualTo(sequence);
        }
        SnowflakeId next = SnowflakeId.decode(generator.nextId());

        assertThat(next.timestamp()).isEqualTo(T.plusMillis(1));
        assertThat(next.sequence()).isZero();
        assertThat(clock.reads()).as("re-read the clock while waiting").isEqualTo(reads);
        assertThat(generator.idsIssuedAheadOfClock()).isZero();
    }

    @Test
    void aGeneratorStartedAfterAHighWaterMarkIssuesAfterItEvenOnAClockThirtySecondsBehind() {
        // The previous holder of worker 9 issued ids up to T; this host's clock says T - 30 s.
        MutableClock clock = new MutableClock(T.minusSeconds(30));
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(9, clock, T.toEpochMilli());
        long previousHoldersLastId = SnowflakeId.encode(T, 9, SnowflakeId.MAX_SEQUENCE);

        long[] ids = new long[3 * 4096];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = generator.nextId();
            if (i % 1000 == 0) {
                clock.advanceMillis(1);
            }
        }

        assertThat(ids[0]).isGreaterThan(previousHoldersLastId);
        assertThat(SnowflakeId.decode(ids[0]).timestamp()).isEqualTo(T.plusMillis(1));
        assertThat(SnowflakeId.decode(ids[0]).sequence()).isZero();
        assertStrictlyIncreasing(ids);
        assertThat(SnowflakeId.decode(ids[ids.length - 1]).timestamp()).isEqualTo(T.plusMillis(3));
        assertThat(generator.lastIssuedEpochMillis()).isEqualTo(T.plusMillis(3).toEpochMilli());
        assertThat(generator.idsIssuedAheadOfClock()).isEqualTo(ids.length);
        assertThat(generator.maxClockRegression().toMillis()).isGreaterThanOrEqualTo(30_000);

        // Once this clock passes the mark, ids follow it again.
        clock.set(T.plusSeconds(1));
        SnowflakeId caughtUp = SnowflakeId.decode(generator.nextId());
        assertThat(caughtUp.timestamp()).isEqualTo(T.plusSeconds(1));
        assertThat(caughtUp.sequence()).isZero();
        assertThat(generator.idsIssuedAheadOfClock()).isEqualTo(ids.length);
    }

    @Test
    void aHighWaterMarkBehindTheClockChangesNothing() {
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(9, new MutableClock(T), T.minusSeconds(5).toEpochMilli());
        assertThat(generator.lastIssuedEpochMillis()).as("before the first id: the mark").isEqualTo(T.minusSeconds(5).toEpochMilli());

        SnowflakeId first = SnowflakeId.decode(generator.nextId());

        assertThat(first.timestamp()).isEqualTo(T);
        assertThat(first.sequence()).isZero();
        assertThat(generator.idsIssuedAheadOfClock()).isZero();
    }

    @Test
    void aHighWaterMarkAtTheCurrentMillisecondWaitsForTheNextOne() {
        long start = T.toEpochMilli();
        // The clock stays at the mark for 5 reads, then ticks.
        MutableClock clock = new MutableClock(T, read -> read == 5 ? start + 1 : -1);
        SnowflakeIdGenerator generator = new SnowflakeIdGenerator(9, clock, start);

        SnowflakeId first = SnowflakeId.decode(generator.nextId());

        assertThat(first.timestamp()).isEqualTo(T.plusMillis(1));
        assertThat(first.sequence()).isZero();
        assertThat(generator.idsIssuedAheadOfClock()).isZero();
    }

    @Test
    void workerIdMustFitInTenBits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SnowflakeIdGenerator(-1));
        assertThatIllegalArgumentException().isThrownBy(() -> new SnowflakeIdGenerator(1024));

        long lowest = new SnowflakeIdGenerator(0, new MutableClock(T)).nextId();
        long highest = new SnowflakeIdGenerator(1023, new MutableClock(T)).nextId();
        assertThat(SnowflakeId.decode(lowest).workerId()).isZero();
        assertThat(SnowflakeId.decode(highest).workerId()).isEqualTo(1023);
        // The worker id never leaks into the timestamp bits.
        assertThat(SnowflakeId.decode(highest).timestamp()).isEqualTo(T);
    }

    @Test
    void aClockOutsideTheIdRangeIsRejectedRatherThanWrapped() {
        SnowflakeIdGenerator beforeEpoch = new SnowflakeIdGenerator(1, new MutableClock(SnowflakeId.EPOCH.minusMillis(1)));
        SnowflakeIdGenerator afterLast = new SnowflakeIdGenerator(1, new MutableClock(SnowflakeId.LAST_INSTANT.plusMillis(1)));

        assertThatIllegalStateException().isThrownBy(beforeEpoch::nextId);
        assertThatIllegalStateException().isThrownBy(afterLast::nextId);
    }

    @Test
    void theLastMillisecondOfTheRangeStillGivesPositiveIds() {
        long id = new SnowflakeIdGenerator(1023, new MutableClock(SnowflakeId.LAST_INSTANT)).nextId();
        assertThat(id).isPositive();
        assertThat(SnowflakeId.decode(id).timestamp()).isEqualTo(SnowflakeId.LAST_INSTANT);
        assertThat(SnowflakeId.LAST_INSTANT).isEqualTo(Instant.parse("2095-09-07T15:47:35.551Z"));
    }

    static void assertStrictlyIncreasing(long[] ids) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new AssertionError("id " + i + " (" + ids[i] + ") is not greater than id " + (i - 1)
                        + " (" + ids[i - 1] + ")");
            }
        }
    }
}
