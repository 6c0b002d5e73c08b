package io.parley.id.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The lease state machine on a hand-driven monotonic clock; renewals are called by hand. */
class WorkerIdLeaseTest {

    private final InMemoryWorkerIdLeaseStore store = new InMemoryWorkerIdLeaseStore();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    // ttl 30 s: renew every 10 s, valid locally for 25 s after a renewal was sent
    private final WorkerIdLeaseSettings settings = WorkerIdLeaseSettings.ofTtl(Duration.ofSeconds(30));
    private final CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(store, settings, () -> 5,
            nanos::get, Clock.systemUTC(), false);

    @Test
    void aFreshLeaseIsValidUntilItsLocalValidityRunsOut() {
        WorkerIdLease lease = leaser.acquire("test");

        advance(Duration.ofSeconds(25).minusNanos(1));
        assertThatNoException().isThrownBy(lease::checkValid);

        advance(Duration.ofNanos(1));
        assertThat(lease.isValid()).isFalse();
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(lease::checkValid)
                .withMessageContaining("not renewed in time");
    }

    @Test
    void eachSuccessfulRenewalExtendsValidityFromWhenItWasSent() {
        WorkerIdLease lease = leaser.acquire("test");
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofSeconds(10));
            lease.renew();
        }
        advance(Duration.ofSeconds(24));
        assertThat(lease.isValid()).isTrue();
        assertThat(store.renewals).as("the first persists the mark at acquire, then one per interval").isEqualTo(11);
    }

    @Test
    void aRejectedRenewalLosesTheLeaseForGood() {
        WorkerIdLease lease = leaser.acquire("test");
        store.steal(lease.workerId(), "someone else");

        lease.renew();

        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(lease::checkValid)
                .withMessageContaining("another owner");
        store.steal(lease.workerId(), lease.owner()); // even if the row came back, we stay stopped
        lease.renew();
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void failingRenewalsKeepTheLeaseOnlyUntilItsDeadlineThenALateSuccessResumesIt() {
        WorkerIdLease lease = leaser.acquire("test");
        store.renewFailure = new IllegalStateException("Cassandra timeout");

        advance(Duration.ofSeconds(10));
        lease.renew();
        advance(Duration.ofSeconds(10));
        lease.renew();
        assertThat(lease.isValid()).as("still inside the first 25 s").isTrue();
        advance(Duration.ofSeconds(5));
        assertThat(lease.isValid()).isFalse();

        // The row is still ours (the conditional renew proves it), so issuing may resume.
        store.renewFailure = null;
        lease.renew();
        assertThat(lease.isValid()).isTrue();
    }

    @Test
    void closeReleasesTheWorkerIdAndStopsIssuing() {
        WorkerIdLease lease = leaser.acquire("test");
        int workerId = lease.workerId();

        lease.close();

        assertThat(store.ownerOf(workerId)).isNull();
        assertThatExceptionOfType(WorkerIdLeaseLostException.class).isThrownBy(lease::checkValid)
                .withMessageContaining("released");
    }

    @Test
    void closeDoesNotDeleteALeaseThatIsAlreadySomeoneElses() {
        WorkerIdLease lease = leaser.acquire("test");
        store.steal(lease.workerId(), "next holder");

        lease.close();

        assertThat(store.ownerOf(lease.workerId())).isEqualTo("next holder");
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
