package io.parley.chat.presence;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Online and offline for the users with sessions on this node, and the cluster-wide decision.
 *
 * <p>Per user, this node keeps how many sessions it holds. The first one makes the node a holder
 * ({@code presence_user_instances}) and, if the user was offline, flips them online (a lightweight
 * transaction: one node wins and announces). When the last one closes — the client left, or went
 * silent past the idle timeout — the node stops being a holder and starts a grace period; when it
 * ends with no session back, the node checks: if no live instance holds the user, it flips them
 * offline (again one winner) with last-seen = now, and announces. A reconnect within the grace
 * period, here or on another node, makes the check find a holder: nothing is announced.
 *
 * <p>All work runs on the presence pool, one run per user at a time (writes of a user stay in
 * order), coalesced ({@link KeyedCoalescer}); never on WebSocket or session threads.
 */
@Component
class PresenceTracker {

    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);
    /** A run that failed (store unreachable) is tried again after this long. */
    private static final long RETRY_MILLIS = 2_000;

    /** This node's view of one user; only touched inside {@code users.compute*}. */
    private static final class Local {
        int sessions;
        boolean holder;
        boolean checkDue;
    }

    private record Snapshot(int sessions, boolean holder, boolean checkDue) {
    }

    private final ConcurrentHashMap<Long, Local> users = new ConcurrentHashMap<>();
    private final PendingOfflines graceTimers = new PendingOfflines();
    private final PendingOfflines retries = new PendingOfflines();
    private final PresenceStore store;
    private final PresenceAnnouncer announcer;
    private final InstanceIdentity identity;
    private final Clock clock;
    private final long graceMillis;
    private final KeyedCoalescer<Long> runs;

    PresenceTracker(PresenceStore store, PresenceAnnouncer announcer, InstanceIdentity identity, Clock clock,
                    PresenceSettings settings, @Qualifier("presenceWorkers") ExecutorService workers) {
        this.store = store;
        this.announcer = announcer;
        this.identity = identity;
        this.clock = clock;
        this.graceMillis = settings.grace().toMillis();
        this.runs = new KeyedCoalescer<>(workers, this::run);
    }

    /** A session of the user was welcomed on this node. */
    void opened(long userId) {
        users.compute(userId, (id, local) -> {
            Local l = local == null ? new Local() : local;
            l.sessions++;
            return l;
        });
        runs.signal(userId);
    }

    /** A session of the user on this node closed (for whatever reason). */
    void closed(long userId) {
        users.computeIfPresent(userId, (id, l) -> {
            l.sessions = Math.max(0, l.sessions - 1);
            return l;
        });
        runs.signal(userId);
    }

    /** Ends grace periods that are over and retries failed runs; called a few times a second. */
    void tick() {
        long now = clock.millis();
        for (long userId : graceTimers.takeDue(now)) {
            users.computeIfPresent(userId, (id, l) -> {
                l.checkDue = true;
                return l;
            });
            runs.signal(userId);
        }
        retries.takeDue(now).forEach(runs::signal);
    }

    /**
     * This node got a new instance id (the old one was reaped): every user with sessions here is
     * registered again under it, and flipped back online if the reaper showed them offline.
     */
    void reRegisterAll() {
        for (long userId : users.keySet()) {
            update(userId, l -> l.holder = false);
            runs.signal(userId);
        }
    }

    /** Whether this node currently holds sessions of the user (for tests and the reaper). */
    boolean holds(long userId) {
        Local l = users.get(userId);
        return l != null && l.sessions > 0;
    }

    private void run(long userId) {
        if (identity.halted()) {
            return;
        }
        try {
            reconcile(userId);
        } catch (RuntimeException e) {
            log.warn("presence of user {} not updated, retrying: {}", userId, e.toString());
            retries.start(userId, clock.millis() + RETRY_MILLIS);
        }
    }

    private void reconcile(long userId) {
        Snapshot now = snapshot(userId);
        if (now == null) {
            return;
        }
        if (now.sessions() > 0) {
            graceTimers.cancel(userId);
            if (!now.holder()) {
                store.addSessionHolder(userId, identity.instanceId());
                ensureOnline(userId);
                // Only now: if anything above failed, the retry does all of it again (idempotent).
                update(userId, l -> {
                    l.holder = true;
                    l.checkDue = false;
                });
            }
        } else if (now.holder()) {
            store.removeSessionHolder(userId, identity.instanceId());
            update(userId, l -> l.holder = false);
            graceTimers.start(userId, clock.millis() + graceMillis);
        } else if (now.checkDue()) {
            checkOffline(userId);
            // The obligation is met; a session opened meanwhile re-writes it in the next run.
            store.dischargeCheck(identity.instanceId(), userId);
            update(userId, l -> l.checkDue = false);
            users.computeIfPresent(userId, (id, l) ->
                    l.sessions == 0 && !l.holder && !l.checkDue && !graceTimers.isPending(userId) ? null : l);
        }
    }

    /** Flips the user online unless already online; announces if this node's flip applied. */
    void ensureOnline(long userId) {
        PresenceStore.State state = store.state(userId);
        if (state.online()) {
            return;
        }
        if (store.markOnline(userId, clock.instant())) {
            announcer.announce(userId, true, null, state.visibility());
        }
    }

    /**
     * Flips the user offline if no live instance holds them; announces if this node's flip applied.
     * Safe to run on any node, any number of times: the transaction lets one flip win.
     */
    void checkOffline(long userId) {
        if (heldAnywhere(userId)) {
            return;
        }
        Instant now = clock.instant();
        if (!store.markOffline(userId, now)) {
            return;
        }
        // A session may have been registered between the read above and the flip, on a node that
        // saw the user online and so did not announce. Re-check: then undo, silently.
        if (heldAnywhere(userId)) {
            store.markOnline(userId, now);
            return;
        }
        // Visibility read after the flip: a change of it made meanwhile is not undone by this announcement.
        announcer.announce(userId, false, now.toEpochMilli(), store.state(userId).visibility());
    }

    private boolean heldAnywhere(long userId) {
        for (String instance : store.instancesOf(userId)) {
            if (instance.equals(identity.instanceId()) || store.isAlive(instance)) {
                return true;
            }
        }
        return false;
    }

    private Snapshot snapshot(long userId) {
        Local l = users.get(userId);
        if (l == null) {
            return null;
        }
        Snapshot[] s = new Snapshot[1];
        users.computeIfPresent(userId, (id, local) -> {
            s[0] = new Snapshot(local.sessions, local.holder, local.checkDue);
            return local;
        });
        return s[0];
    }

    private void update(long userId, java.util.function.Consumer<Local> change) {
        users.computeIfPresent(userId, (id, l) -> {
            change.accept(l);
            return l;
        });
    }
}
