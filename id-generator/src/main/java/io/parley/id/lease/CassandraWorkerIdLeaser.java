package io.parley.id.lease;

import java.net.InetAddress;
import java.time.Clock;
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
 * {@code INSERT … IF NOT EXISTS USING TTL}, then renews it in the background.
 *
 * <p>The search reads which ids are taken (a cheap scan of at most 1024 rows, only a hint), then
 * tries the free ones with a lightweight transaction each, starting at a random id so that
 * processes starting together do not all fight over the same low ids. Losing a race just moves on
 * to the next free id; the table is re-read a few times before giving up.
 */
public final class CassandraWorkerIdLeaser {

    private static final Logger log = LoggerFactory.getLogger(CassandraWorkerIdLeaser.class);

    private static final int WORKER_IDS = SnowflakeId.MAX_WORKER_ID + 1;
    private static final int SEARCH_ROUNDS = 3;

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
                    log.info("Leased Snowflake worker id {} as {} (ttl {}, renewed every {})",
                            candidate, owner, settings.ttl(), settings.renewInterval());
                    return new WorkerIdLease(store, candidate, owner, settings, sentAt, nanoTicker, clock,
                            scheduleRenewals ? newRenewer(candidate) : null);
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
