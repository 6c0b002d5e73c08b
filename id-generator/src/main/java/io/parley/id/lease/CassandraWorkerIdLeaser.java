package io.parley.id.lease;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import com.datastax.oss.driver.api.core.CqlSession;

import io.parley.id.SnowflakeId;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out worker ids (0..1023) so that no two live generators share one, with no manual
 * configuration: each process claims a free id in {@code id_worker_leases} with
 * {@code UPDATE … USING TTL … IF owner = null}, then renews it in the background.
 *
 * <p>The search reads which ids are taken (a cheap scan of at most 1024 rows, only a hint), then
 * tries the free ones with a lightweight transaction each, starting at a random id so that
 * processes starting together do not all fight over the same low ids. Losing a race just moves on
 * to the next free id; the table is re-read a few times before giving up.
 *
 * <p>A claimed worker id comes with the high-water mark its earlier holders left in the row; the
 * lease starts after it (see {@link WorkerIdLease}), so a host whose clock is behind the previous
 * holder's cannot repeat its ids.
 */
public final class CassandraWorkerIdLeaser {

    private static final Logger log = LoggerFactory.getLogger(CassandraWorkerIdLeaser.class);

    private static final int WORKER_IDS = SnowflakeId.MAX_WORKER_ID + 1;
    private static final int SEARCH_ROUNDS = 3;
    /** An inherited mark this far ahead of our clock is logged as a warning (as the generator logs regressions). */
    private static final long NOTABLE_CLOCK_GAP_MILLIS = 1_000;

    private final WorkerIdLeaseStore store;
    private final WorkerIdLeaseSettings settings;
    private final IntSupplier randomStart;
    private final LongSupplier nanoTicker;
    private final Clock clock;
    private final boolean scheduleRenewals;

    /**
     * @param session connected to the keyspace that holds {@code id_worker_leases}
     */
    public CassandraWorkerIdLeaser(CqlSession session, WorkerIdLeaseSettings settings) {
        this(new CassandraWorkerIdLeaseStore(session), settings,
                () -> ThreadLocalRandom.current().nextInt(WORKER_IDS), System::nanoTime, Clock.systemUTC(), true);
    }

    CassandraWorkerIdLeaser(WorkerIdLeaseStore store, WorkerIdLeaseSettings settings, IntSupplier randomStart,
            LongSupplier nanoTicker, Clock clock, boolean scheduleRenewals) {
        this.store = Objects.requireNonNull(store);
        this.settings = Objects.requireNonNull(settings);
        this.randomStart = randomStart;
        this.nanoTicker = nanoTicker;
        this.clock = clock;
        this.scheduleRenewals = scheduleRenewals;
    }

    /** Leases a worker id for an owner named after this host and process. */
    public WorkerIdLease acquire() {
        return acquire(defaultOwnerPrefix());
    }

    /**
     * Leases a free worker id.
     *
     * @param ownerPrefix for operators reading the table (e.g. host/pid); a random suffix makes
     *        every lease's owner unique, which the conditional renew and release rely on
     * @throws WorkerIdsExhaustedException if all 1024 ids are held by live leases
     */
    public WorkerIdLease acquire(String ownerPrefix) {
        String owner = ownerPrefix + "/" + UUID.randomUUID();
        int leased = 0;
        for (int round = 0; round < SEARCH_ROUNDS; round++) {
            Set<Integer> taken = store.leasedWorkerIds();
            leased = taken.size();
            if (leased >= WORKER_IDS) {
                break;
            }
            int start = Math.floorMod(randomStart.getAsInt(), WORKER_IDS);
            for (int i = 0; i < WORKER_IDS; i++) {
                int candidate = (start + i) % WORKER_IDS;
                if (taken.contains(candidate)) {
                    continue;
                }
                long sentAt = nanoTicker.getAsLong();
                if (tryClaim(candidate, owner)) {
                    WorkerIdLease lease = tryStart(candidate, owner, sentAt);
                    if (lease != null) {
                        return lease;
                    }
                }
            }
        }
        throw new WorkerIdsExhaustedException("All " + WORKER_IDS + " Snowflake worker ids are leased in "
                + CassandraWorkerIdLeaseStore.TABLE + " (" + leased + " live rows seen). Leases of dead processes "
                + "expire within " + settings.ttl() + "; more than " + WORKER_IDS
                + " live generators need a different id layout.");
    }

    private boolean tryClaim(int workerId, String owner) {
        try {
            return store.claim(workerId, owner, clock.instant(), settings.ttl());
        } catch (RuntimeException e) {
            // A timed-out LWT may or may not have applied. If it did, nobody renews the row and its
            // TTL frees it; either way, moving on to another id is safe.
            log.warn("Claiming worker id {} failed; trying another", workerId, e);
            return false;
        }
    }

    /**
     * Takes over a claimed worker id: reads the mark earlier holders left (only now, under our
     * lease, is it final: a previous holder could still have raised it until its lease ended), and
     * persists a first mark of our own before any id is issued. Null if that fails; the row then
     * expires by its TTL, as after a failed claim.
     */
    private WorkerIdLease tryStart(int workerId, String owner, long claimSentAtNanos) {
        ScheduledExecutorService renewer = scheduleRenewals ? newRenewer(workerId) : null;
        try {
            long inherited = store.highWaterMark(workerId).orElse(WorkerIdLease.NO_IDS_YET);
            WorkerIdLease lease = new WorkerIdLease(store, workerId, owner, settings, claimSentAtNanos, nanoTicker,
                    clock, inherited, renewer);
            lease.start();
            logLeased(lease);
            return lease;
        } catch (RuntimeException e) {
            if (renewer != null) {
                renewer.shutdownNow();
            }
            log.warn("Claimed worker id {} but could not take over its high-water mark; trying another", workerId, e);
            return null;
        }
    }

    private void logLeased(WorkerIdLease lease) {
        long inherited = lease.inheritedHighWaterMark();
        long aheadMillis = inherited - clock.millis();
        if (aheadMillis >= NOTABLE_CLOCK_GAP_MILLIS) {
            // Not an error (this is what the mark is for) but a clock worth checking, here or there.
            log.warn("Leased Snowflake worker id {} as {}: its earlier ids run up to {}, {} ms ahead of this host's "
                    + "clock (a previous holder's clock was ahead, or ours is behind); ids are issued ahead of our "
                    + "clock until it catches up", lease.workerId(), lease.owner(), Instant.ofEpochMilli(inherited),
                    aheadMillis);
        } else {
            log.info("Leased Snowflake worker id {} as {} (ttl {}, renewed every {})",
                    lease.workerId(), lease.owner(), settings.ttl(), settings.renewInterval());
        }
    }

    private static ScheduledExecutorService newRenewer(int workerId) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "parley-id-lease-" + workerId);
            thread.setDaemon(true);
            return thread;
        });
    }

    static String defaultOwnerPrefix() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
