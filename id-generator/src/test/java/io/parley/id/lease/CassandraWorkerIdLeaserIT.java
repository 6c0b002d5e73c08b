package io.parley.id.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;

import io.parley.id.SnowflakeId;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Worker id leasing on a real Cassandra. The table is shared with other tests of this JVM (for
 * example the Spring contexts' own leases), so tests never assume it is empty and clean up only
 * the leases they made.
 */
class CassandraWorkerIdLeaserIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** Short TTL so renewal and expiry happen within a test: renewed every ~1.3 s, valid 2 s locally. */
    private static final WorkerIdLeaseSettings SHORT = WorkerIdLeaseSettings.ofTtl(Duration.ofSeconds(4));

    private static CqlSession session;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void connect() {
        session = CassandraTestSessions.open();
    }

    @AfterAll
    static void disconnect() {
        session.close();
    }

    @AfterEach
    void closeLeases() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void leasersRacingForTheSameWorkerIdEachGetADifferentOne() throws Exception {
        // Every leaser starts its search at the same id: maximum contention on the LWTs.
        CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(new CassandraWorkerIdLeaseStore(session),
                WorkerIdLeaseSettings.defaults(), () -> 300, System::nanoTime, Clock.systemUTC(), true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<WorkerIdLease> leases = new ArrayList<>();
        try {
            List<Future<List<WorkerIdLease>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Callable<List<WorkerIdLease>> task = () -> {
                    List<WorkerIdLease> mine = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        mine.add(leaser.acquire("race"));
                    }
                    return mine;
                };
                futures.add(pool.submit(task));
            }
            for (Future<List<WorkerIdLease>> future : futures) {
                leases.addAll(future.get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
            toClose.addAll(leases);
        }

        Set<Integer> workerIds = new HashSet<>();
        leases.forEach(lease -> workerIds.add(lease.workerId()));
        assertThat(workerIds).hasSize(24);
        Map<Integer, String> owners = ownersInTable();
        for (WorkerIdLease lease : leases) {
            assertThat(owners.get(lease.workerId())).as("row of worker %d", lease.workerId()).isEqualTo(lease.owner());
        }
    }

    @Test
    void aLeaseIsRenewedSoItOutlivesItsTtl() {
        WorkerIdLease lease = track(new CassandraWorkerIdLeaser(session, SHORT).acquire("renewal-test"));
        LeasedIdGenerator generator = new LeasedIdGenerator(lease);
        Instant acquiredAt = Instant.now();

        // leased_at moves on with every renewal; wait until the row is older than three TTLs.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            Row row = session.execute("SELECT leased_at FROM id_worker_leases WHERE worker_id = ?", lease.workerId()).one();
            return row != null && !row.isNull("leased_at")
                    && row.getInstant("leased_at").isAfter(acquiredAt.plus(SHORT.ttl().multipliedBy(3)));
        });

        assertThat(ownerOf(lease.workerId())).isEqualTo(lease.owner());
        assertThat(highWaterMarkOf(lease.workerId())).as("raised by the renewals")
                .isAfter(acquiredAt.plus(SHORT.ttl().multipliedBy(4)).minusSeconds(1));
        assertThat(SnowflakeId.decode(generator.nextId()).workerId()).isEqualTo(lease.workerId());
    }

    @Test
    void aLeaseTakenOverByAnotherOwnerStopsTheGenerator() {
        WorkerIdLease lease = track(new CassandraWorkerIdLeaser(session, SHORT).acquire("takeover-test"));
        LeasedIdGenerator generator = new LeasedIdGenerator(lease);
        generator.nextId();

        // As if our row had expired and another process had claimed the worker id.
        session.execute("UPDATE id_worker_leases USING TTL 60 SET owner = 'intruder' WHERE worker_id = ?",
                lease.workerId());

        await().atMost(PATIENCE).untilAsserted(() -> assertThatExceptionOfType(WorkerIdLeaseLostException.class)
                .isThrownBy(generator::nextId).withMessageContaining("another owner"));
        assertThat(lease.isValid()).isFalse();
        session.execute("DELETE owner, leased_at FROM id_worker_leases WHERE worker_id = ? IF owner = 'intruder'",
                lease.workerId());
    }

    @Test
    void whenRenewalsCannotReachCassandraTheGeneratorStopsBeforeTheLeaseExpires() {
        CqlSession doomed = CassandraTestSessions.open();
        WorkerIdLease lease = new CassandraWorkerIdLeaser(doomed, SHORT).acquire("unreachable-test");
        LeasedIdGenerator generator = new LeasedIdGenerator(lease);
        generator.nextId();

        doomed.close(); // every renewal now fails

        await().atMost(PATIENCE).untilAsserted(() -> assertThatExceptionOfType(WorkerIdLeaseLostException.class)
                .isThrownBy(generator::nextId).withMessageContaining("not renewed in time"));
        // The lease it could not release expires by itself.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> ownerOf(lease.workerId()) == null);
        lease.abandon();
    }

    @Test
    void closingAGeneratorReleasesItsWorkerIdAndLeavesItsLastTimestampAsTheMark() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LeasedIdGenerator generator = new LeasedIdGenerator(new CassandraWorkerIdLeaser(session, SHORT).acquire("release-test"));
        int workerId = generator.workerId();
        assertThat(ownerOf(workerId)).isEqualTo(generator.lease().owner());
        assertThat(highWaterMarkOf(workerId)).as("persisted before the first id, a TTL ahead of the clock")
                .isAfterOrEqualTo(before.plus(SHORT.ttl()));
        long last = 0;
        for (int i = 0; i < 1_000; i++) {
            last = generator.nextId();
        }

        generator.close();

        assertThat(ownerOf(workerId)).isNull();
        assertThat(highWaterMarkOf(workerId)).isEqualTo(SnowflakeId.decode(last).timestamp());
        // A released worker id is free again although its row remains for the mark.
        assertThat(ownersInTable()).doesNotContainKey(workerId);
    }

    @Test
    void aHolderWhoseClockIsThirtySecondsBehindContinuesAfterTheIdsOfAHolderThatReleased() throws Exception {
        LeasedIdGenerator holderA = new LeasedIdGenerator(new CassandraWorkerIdLeaser(session, SHORT).acquire("handoff-a"));
        long[] idsA = issueFor(holderA, Duration.ofSeconds(1));
        holderA.close();

        LeasedIdGenerator holderB = track(acquireOnClockBehind(holderA.workerId(), "handoff-b"));
        long[] idsB = issueFor(holderB, Duration.ofSeconds(1));

        assertContinuesAfter(idsA, idsB, holderB);
    }

    @Test
    void aHolderWhoseClockIsThirtySecondsBehindContinuesAfterTheIdsOfAHolderThatCrashed() throws Exception {
        LeasedIdGenerator holderA = new LeasedIdGenerator(new CassandraWorkerIdLeaser(session, SHORT).acquire("crash-a"));
        // Long enough for background renewals (every ~1.3 s) to raise the mark while ids are issued.
        long[] idsA = issueFor(holderA, Duration.ofSeconds(3));
        // A "crash": no release, no more renewals; wait until the lease's TTL has run out.
        holderA.lease().abandon();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> ownerOf(holderA.workerId()) == null);

        LeasedIdGenerator holderB = track(acquireOnClockBehind(holderA.workerId(), "crash-b"));
        long[] idsB = issueFor(holderB, Duration.ofSeconds(1));

        assertContinuesAfter(idsA, idsB, holderB);
    }

    @Test
    void whenAll1024WorkerIdsAreLeasedAcquireFailsWithAClearError() {
        String filler = "exhaustion-test-filler";
        Set<Integer> filled = new HashSet<>();
        try {
            for (int workerId = 0; workerId <= SnowflakeId.MAX_WORKER_ID; workerId++) {
                boolean applied = session.execute("UPDATE id_worker_leases USING TTL 300 SET owner = ?, "
                        + "leased_at = toTimestamp(now()) WHERE worker_id = ? IF owner = null", filler, workerId).wasApplied();
                if (applied) {
                    filled.add(workerId);
                }
            }
            assertThat(ownersInTable()).hasSize(1024);

            assertThatExceptionOfType(WorkerIdsExhaustedException.class)
                    .isThrownBy(() -> new CassandraWorkerIdLeaser(session, SHORT).acquire("exhaustion-test"))
                    .withMessageContaining("All 1024 Snowflake worker ids are leased");
        } finally {
            for (int workerId : filled) {
                session.execute("DELETE owner, leased_at FROM id_worker_leases WHERE worker_id = ? IF owner = ?",
                        workerId, filler);
            }
        }
        // And one freed id is enough again.
        track(new CassandraWorkerIdLeaser(session, SHORT).acquire("after-exhaustion"));
    }

    @Test
    void twoLeasedGeneratorsIssueDisjointIdsUnderLoad() throws Exception {
        CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(session, WorkerIdLeaseSettings.defaults());
        LeasedIdGenerator first = track(new LeasedIdGenerator(leaser.acquire("uniqueness-a")));
        LeasedIdGenerator second = track(new LeasedIdGenerator(leaser.acquire("uniqueness-b")));
        assertThat(first.workerId()).isNotEqualTo(second.workerId());

        int perThread = 100_000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (LeasedIdGenerator generator : List.of(first, first, second, second)) {
                futures.add(pool.submit(() -> {
                    long[] ids = new long[perThread];
                    for (int i = 0; i < perThread; i++) {
                        ids[i] = generator.nextId();
                    }
                    return ids;
                }));
            }
            long[] all = new long[4 * perThread];
            for (int t = 0; t < 4; t++) {
                System.arraycopy(futures.get(t).get(2, TimeUnit.MINUTES), 0, all, t * perThread, perThread);
            }
            assertThat(Arrays.stream(all).distinct().count()).isEqualTo(all.length);
        } finally {
            pool.shutdownNow();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /**
     * Leases {@code workerId} (free by now) on a clock 30 s behind this host's, as another host
     * whose clock is behind would, and starts a generator on that clock.
     */
    private static LeasedIdGenerator acquireOnClockBehind(int workerId, String owner) {
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30));
        CassandraWorkerIdLeaser leaser = new CassandraWorkerIdLeaser(new CassandraWorkerIdLeaseStore(session), SHORT,
                () -> workerId, System::nanoTime, behind, true);
        LeasedIdGenerator generator = new LeasedIdGenerator(leaser.acquire(owner), behind);
        assertThat(generator.workerId()).as("the search starts at the freed worker id").isEqualTo(workerId);
        return generator;
    }

    private static void assertContinuesAfter(long[] idsA, long[] idsB, LeasedIdGenerator holderB) {
        long lastOfA = Arrays.stream(idsA).max().orElseThrow();
        assertThat(idsA.length).isPositive();
        assertThat(Arrays.stream(idsB).min().orElseThrow()).isGreaterThan(lastOfA);
        long[] all = LongStream.concat(Arrays.stream(idsA), Arrays.stream(idsB)).toArray();
        assertThat(Arrays.stream(all).distinct().count()).isEqualTo(all.length);
        assertThat(holderB.generator().idsIssuedAheadOfClock()).as("B issued ahead of its own clock")
                .isEqualTo(idsB.length);
    }

    /** Ids issued by one thread for about {@code duration}: 1,000 every 5 ms, a steady stream that spans renewals. */
    private static long[] issueFor(LeasedIdGenerator generator, Duration duration) throws InterruptedException {
        LongStream.Builder ids = LongStream.builder();
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - until < 0) {
            for (int i = 0; i < 1_000; i++) {
                ids.add(generator.nextId());
            }
            Thread.sleep(5);
        }
        return ids.build().toArray();
    }

    private static String ownerOf(int workerId) {
        Row row = session.execute("SELECT owner FROM id_worker_leases WHERE worker_id = ?", workerId).one();
        return row == null ? null : row.getString("owner");
    }

    private static Instant highWaterMarkOf(int workerId) {
        Row row = session.execute("SELECT high_water_mark FROM id_worker_leases WHERE worker_id = ?", workerId).one();
        return row == null ? null : row.getInstant("high_water_mark");
    }

    /** Worker ids with a live lease (rows of released or expired leases remain for their mark). */
    private static Map<Integer, String> ownersInTable() {
        Map<Integer, String> owners = new HashMap<>();
        for (Row row : session.execute("SELECT worker_id, owner FROM id_worker_leases")) {
            if (!row.isNull("owner")) {
                owners.put(row.getInt("worker_id"), row.getString("owner"));
            }
        }
        return owners;
    }
}
