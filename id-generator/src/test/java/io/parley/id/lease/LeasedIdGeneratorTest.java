package io.parley.id.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import io.parley.id.SnowflakeId;

import org.junit.jupiter.api.Test;

class LeasedIdGeneratorTest {

    private final InMemoryWorkerIdLeaseStore store = new InMemoryWorkerIdLeaseStore();
    private final AtomicLong nanos = new AtomicLong();
    private final CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(store,
            WorkerIdLeaseSettings.defaults(), () -> 99, nanos::get, Clock.systemUTC(), false);

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
    void closeLeavesTheLeaseToExpireWhenIdsRanFarAheadOfTheClock() {
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        Clock behind = Clock.fixed(now.minusSeconds(5), ZoneOffset.UTC);
        // Issue at "now", then look at the world through a clock 5 s behind (a regression).
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire("test"), new SwitchingClock(now, behind));
        generator.nextId();

        generator.close();

        assertThat(store.ownerOf(99)).as("not released; expires by TTL").isNotNull();
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(generator::nextId);
    }

    /** Reads {@code first} once, then {@code then} forever. */
    private static final class SwitchingClock extends Clock {
        private final Instant first;
        private final Clock then;
        private boolean used;

        SwitchingClock(Instant first, Clock then) {
            this.first = first;
            this.then = then;
        }

        @Override
        public synchronized Instant instant() {
            if (!used) {
                used = true;
                return first;
            }
            return then.instant();
        }

        @Override
        public long millis() {
            return instant().toEpochMilli();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
