package io.parley.id.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The search for a free worker id, on the in-memory store (the IT runs it on Cassandra). */
class CassandraWorkerIdLeaserTest {

    private final InMemoryWorkerIdLeaseStore store = new InMemoryWorkerIdLeaseStore();
    private final WorkerIdLeaseSettings settings = WorkerIdLeaseSettings.defaults();

    private CassandraWorkerIdLeaser leaserStartingAt(int start) {
        return new CassandraWorkerIdLeaser(store, settings, () -> start, System::nanoTime, Clock.systemUTC(), false);
    }

    @Test
    void theSearchStartsAtTheRandomIdAndSkipsTakenOnesWithoutTryingThem() {
        store.steal(700, "a");
        store.steal(701, "b");

        WorkerIdLease lease = leaserStartingAt(700).acquire("test");

        assertThat(lease.workerId()).isEqualTo(702);
        assertThat(store.claimAttempts).isEqualTo(1);
        assertThat(store.ownerOf(702)).isEqualTo(lease.owner()).startsWith("test/");
    }

    @Test
    void theSearchWrapsAroundPast1023() {
        store.steal(1023, "a");
        assertThat(leaserStartingAt(1023).acquire("test").workerId()).isZero();
    }

    @Test
    void everyLeaseGetsItsOwnWorkerIdAndAnOwnerNoOtherLeaseHas() {
        CassandraWorkerIdLeaser leaser = leaserStartingAt(0);
        Set<Integer> workerIds = new HashSet<>();
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 1024; i++) {
            WorkerIdLease lease = leaser.acquire("same-host/1");
            workerIds.add(lease.workerId());
            owners.add(lease.owner());
        }
        assertThat(workerIds).hasSize(1024);
        assertThat(owners).hasSize(1024);
    }

    @Test
    void whenAll1024AreTakenAcquireFailsWithAClearError() {
        for (int id = 0; id < 1024; id++) {
            store.steal(id, "other");
        }
        assertThatExceptionOfType(WorkerIdsExhaustedException.class)
                .isThrownBy(() -> leaserStartingAt(3).acquire("test"))
                .withMessageContaining("All 1024 Snowflake worker ids are leased")
                .withMessageContaining("expire within PT30S");
        assertThat(store.claimAttempts).isZero();
    }

    @Test
    void settingsRejectARenewIntervalThatLeavesNoTimeToRenew() {
        assertThat(WorkerIdLeaseSettings.defaults().renewInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(WorkerIdLeaseSettings.defaults().localValidity()).isEqualTo(Duration.ofSeconds(25));
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> new WorkerIdLeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(25)));
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> WorkerIdLeaseSettings.ofTtl(Duration.ofMillis(2500)));
    }
}
