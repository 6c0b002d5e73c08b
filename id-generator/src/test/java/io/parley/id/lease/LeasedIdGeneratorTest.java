package io.parley.id.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import io.parley.id.MutableClock;
import io.parley.id.SnowflakeId;

import org.junit.jupiter.api.Test;

class LeasedIdGeneratorTest {

    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
    private static final long TTL_MILLIS = WorkerIdLeaseSettings.DEFAULT_TTL.toMillis();

    private final InMemoryWorkerIdLeaseStore store = new InMemoryWorkerIdLeaseStore();
    private final AtomicLong nanos = new AtomicLong();
    private final CassandraWorkerIdLeaser leaser = leaserOn(Clock.systemUTC());

    /** Every leaser of a test shares the store and always tries worker id 99 first. */
    private CassandraWorkerIdLeaser leaserOn(Clock clock) {
        return new CassandraWorkerIdLeaser(store, WorkerIdLeaseSettings.defaults(), () -> 99, nanos::get, clock, false);
    }

    @Test
    void idsCarryTheLeasedWorkerId() {
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire("test"));
        assertThat(SnowflakeId.decode(generator.nextId()).workerId()).isEqualTo(99);
    }

    @Test
    void aLostLeaseStopsTheGenerator() {
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire("test"));
        generator.nextId();

        store.steal(99, "another process");
        generator.lease().renew();

        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId);
    }

    @Test
    void aLeaseThatCouldNotBeRenewedInTimeStopsTheGenerator() {
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire("test"));
        nanos.addAndGet(Duration.ofSeconds(25).toNanos());
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId);
    }

    @Test
    void closeStopsIssuingAndReleasesTheWorkerId() {
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire("test"));
        generator.nextId();

        generator.close();

        assertThat(store.ownerOf(99)).isNull();
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId);
    }

    @Test
    void acquiringPersistsAMarkATtlAheadOfTheClockBeforeAnyIdIsIssued() {
        MutableClock clock = new MutableClock(T);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaserOn(clock).acquire("test"), clock);

        assertThat(store.highWaterMarkOf(99)).isEqualTo(T.toEpochMilli() + TTL_MILLIS);
        assertThat(generator.lease().highWaterMark()).isEqualTo(T.toEpochMilli() + TTL_MILLIS);

        // A renewal 10 s later moves it on: still a TTL ahead of the clock.
        clock.advanceMillis(10_000);
        generator.nextId();
        generator.lease().renew();
        assertThat(store.highWaterMarkOf(99)).isEqualTo(T.toEpochMilli() + 10_000 + TTL_MILLIS);
    }

    @Test
    void aNewHolderWhoseClockIsThirtySecondsBehindContinuesAfterTheReleasedIdsOfThePreviousHolder() {
        MutableClock clockA = new MutableClock(T);
        LeasedIdGenerator holderA = new LeasedIdGenerator(leaserOn(clockA).acquire("host-a"), clockA);
        long[] idsA = issue(holderA, clockA, 20_000);
        holderA.close();
        long lastOfA = Arrays.stream(idsA).max().orElseThrow();
        assertThat(store.highWaterMarkOf(99)).as("release leaves the exact last timestamp")
                .isEqualTo(SnowflakeId.timestampMillis(lastOfA));

        // Host B's clock is 30 s behind host A's.
        MutableClock clockB = new MutableClock(Instant.ofEpochMilli(clockA.millis()).minusSeconds(30));
        LeasedIdGenerator holderB = new LeasedIdGenerator(leaserOn(clockB).acquire("host-b"), clockB);
        assertThat(holderB.workerId()).isEqualTo(99);
        long[] idsB = issue(holderB, clockB, 20_000);

        assertThat(idsB[0]).isGreaterThan(lastOfA);
        assertThat(SnowflakeId.timestampMillis(idsB[0])).isEqualTo(SnowflakeId.timestampMillis(lastOfA) + 1);
        assertAllDistinct(idsA, idsB);
        assertThat(holderB.generator().idsIssuedAheadOfClock()).isEqualTo(idsB.length);
        assertThat(holderB.generator().maxClockRegression().toMillis()).isGreaterThanOrEqualTo(29_000);
    }

    @Test
    void aNewHolderWhoseClockIsThirtySecondsBehindContinuesAfterTheIdsOfAHolderThatCrashed() {
        MutableClock clockA = new MutableClock(T);
        LeasedIdGenerator holderA = new LeasedIdGenerator(leaserOn(clockA).acquire("host-a"), clockA);
        long[] beforeRenewal = issue(holderA, clockA, 10_000);
        clockA.advanceMillis(10_000);
        holderA.lease().renew();
        long[] afterRenewal = issue(holderA, clockA, 10_000);
        // Host A dies: no release, no more renewals; its lease's TTL runs out.
        holderA.lease().abandon();
        store.drop(99);

        MutableClock clockB = new MutableClock(Instant.ofEpochMilli(clockA.millis()).minusSeconds(30));
        LeasedIdGenerator holderB = new LeasedIdGenerator(leaserOn(clockB).acquire("host-b"), clockB);
        assertThat(holderB.workerId()).isEqualTo(99);
        long[] idsB = issue(holderB, clockB, 20_000);

        long lastOfA = Math.max(beforeRenewal[beforeRenewal.length - 1], afterRenewal[afterRenewal.length - 1]);
        assertThat(idsB[0]).isGreaterThan(lastOfA);
        assertAllDistinct(beforeRenewal, afterRenewal, idsB);
        // B starts after A's last renewed mark (a TTL past A's clock then), not after A's last id.
        assertThat(SnowflakeId.timestampMillis(idsB[0])).isEqualTo(T.toEpochMilli() + 10_000 + 10 + TTL_MILLIS + 1);
    }

    @Test
    void whenTheClockJumpsPastTheMarkTheMarkIsRaisedBeforeTheIdIsReturned() {
        MutableClock clock = new MutableClock(T);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaserOn(clock).acquire("test"), clock);
        int renewalsBefore = store.renewals;

        clock.advanceMillis(60_000); // NTP steps the clock forward, past the mark (T + 30 s)
        long id = generator.nextId();

        assertThat(SnowflakeId.timestampMillis(id)).isEqualTo(T.toEpochMilli() + 60_000);
        assertThat(store.renewals).isEqualTo(renewalsBefore + 1);
        assertThat(store.highWaterMarkOf(99)).isEqualTo(T.toEpochMilli() + 60_000 + TTL_MILLIS);
        generator.nextId();
        assertThat(store.renewals).as("one raise, not one per id").isEqualTo(renewalsBefore + 1);
    }

    @Test
    void anIdPastTheMarkIsNotReturnedWhenTheMarkCannotBeRaised() {
        MutableClock clock = new MutableClock(T);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaserOn(clock).acquire("test"), clock);
        long before = generator.nextId();

        clock.advanceMillis(60_000);
        store.renewFailure = new IllegalStateException("Cassandra timeout");
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId)
                .withMessageContaining("high-water mark");
        assertThat(store.highWaterMarkOf(99)).isEqualTo(T.toEpochMilli() + TTL_MILLIS);

        // Transient: once Cassandra answers, issuing resumes above everything before.
        store.renewFailure = null;
        assertThat(generator.nextId()).isGreaterThan(before);
    }

    @Test
    void renewalsNeverLowerTheMarkWhenTheClockStepsBack() {
        MutableClock clock = new MutableClock(T);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaserOn(clock).acquire("test"), clock);
        generator.nextId();

        clock.advanceMillis(-60_000);
        generator.lease().renew();

        assertThat(store.highWaterMarkOf(99)).isEqualTo(T.toEpochMilli() + TTL_MILLIS);
    }

    @Test
    void closeLeavesTheExactLastIdAsTheMarkEvenWhenIdsRanAheadOfTheClock() {
        MutableClock clock = new MutableClock(T);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaserOn(clock).acquire("test"), clock);
        generator.nextId();
        clock.advanceMillis(-5_000); // a regression: the next ids run ahead of the clock
        long last = 0;
        for (int i = 0; i < 5_000; i++) {
            last = generator.nextId();
        }

        generator.close();

        assertThat(store.ownerOf(99)).as("released at once").isNull();
        assertThat(store.highWaterMarkOf(99)).isEqualTo(SnowflakeId.timestampMillis(last)).isEqualTo(T.toEpochMilli() + 1);
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId);
    }

    /** Issues {@code count} ids, the clock moving 1 ms every 1,000 ids. */
    private static long[] issue(LeasedIdGenerator generator, MutableClock clock, int count) {
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = generator.nextId();
            if (i % 1_000 == 999) {
                clock.advanceMillis(1);
            }
        }
        return ids;
    }

    private static void assertAllDistinct(long[]... batches) {
        long[] all = Arrays.stream(batches).flatMapToLong(Arrays::stream).toArray();
        assertThat(Arrays.stream(all).distinct().count()).isEqualTo(all.length);
    }
}
