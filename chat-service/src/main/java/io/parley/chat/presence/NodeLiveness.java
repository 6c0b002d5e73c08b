package io.parley.chat.presence;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Node liveness for presence. Every {@code node-heartbeat-interval} this node refreshes its
 * {@code chat_node_heartbeats} row (TTL {@code node-heartbeat-ttl}) and looks for instances whose
 * row expired: a node killed with kill -9, or one that drained and stopped. One surviving node
 * claims each dead instance (a lightweight transaction on {@code reaper}; a reaper that dies too
 * is replaced) and checks every user that instance owed a check: users who reconnected elsewhere
 * meanwhile stay online, the others go offline, each announced once. The heartbeat TTL doubles as
 * those users' grace period, so no second one is added.
 */
@Component
class NodeLiveness implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
    private static final long TICK_MILLIS = 250;

    private final PresenceStore store;
    private final PresenceTracker tracker;
    private final InstanceIdentity identity;
    private final Clock clock;
    private final PresenceSettings settings;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final Set<String> reaping = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> heartbeats;
    private volatile ScheduledFuture<?> ticks;
    private volatile boolean running;

    NodeLiveness(PresenceStore store, PresenceTracker tracker, InstanceIdentity identity, Clock clock,
                 PresenceSettings settings, @Qualifier("presenceScheduler") ScheduledExecutorService scheduler,
                 @Qualifier("presenceWorkers") ExecutorService workers) {
        this.store = store;
        this.tracker = tracker;
        this.identity = identity;
        this.clock = clock;
        this.settings = settings;
        this.scheduler = scheduler;
        this.workers = workers;
    }

    @Override
    public void start() {
        store.registerInstance(identity.instanceId(), identity.nodeId(), clock.instant(), ttlSeconds());
        long every = settings.nodeHeartbeatInterval().toMillis();
        heartbeats = scheduler.scheduleWithFixedDelay(this::beatAndReap, every, every, TimeUnit.MILLISECONDS);
        ticks = scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        running = true;
        log.info("presence instance {} registered", identity.instanceId());
    }

    /**
     * Stops heartbeats without removing the row: it expires after the TTL, and only then do other
     * nodes check this node's users, by which time drained clients have reconnected elsewhere.
     */
    @Override
    public void stop() {
        cancel();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop after the drain (phase MAX_VALUE) so sessions closed by it are still handled. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 50;
    }

    /**
     * Behaves from here on like a process killed with kill -9, as far as the cluster can tell: no
     * heartbeats, no presence writes, nothing cleaned up. For tests of crash detection.
     */
    void halt() {
        identity.halt();
        cancel();
    }

    /** Stops heartbeats as a long pause would, without halting presence (for tests). */
    void pauseHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
    }

    /** Resumes heartbeats after {@link #pauseHeartbeats()}. */
    void resumeHeartbeats() {
        long every = settings.nodeHeartbeatInterval().toMillis();
        heartbeats = scheduler.scheduleWithFixedDelay(this::beatAndReap, 0, every, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    private int ttlSeconds() {
        return (int) Math.max(1, settings.nodeHeartbeatTtl().toSeconds());
    }

    private void tick() {
        if (!identity.halted()) {
            tracker.tick();
        }
    }

    private void beatAndReap() {
        if (identity.halted()) {
            return;
        }
        try {
            store.beat(identity.instanceId(), identity.nodeId(), ttlSeconds());
            if (!store.isUnreaped(identity.instanceId())) {
                // Our heartbeat lapsed (a long pause) and another node reaped us while we lived:
                // our users were shown offline. Start over under a new instance id.
                String renewed = identity.renew();
                log.warn("this node was taken for dead and reaped; continuing as instance {}", renewed);
                store.registerInstance(renewed, identity.nodeId(), clock.instant(), ttlSeconds());
                tracker.reRegisterAll();
            }
            reapDeadInstances();
        } catch (RuntimeException e) {
            log.warn("presence heartbeat failed (this node looks dead after {} without one): {}",
                    settings.nodeHeartbeatTtl(), e.toString());
        }
    }

    private void reapDeadInstances() {
        // Instances first, then heartbeats: an instance writes its heartbeat before its instance
        // row, so an instance read here that is alive is also in the heartbeats read after it.
        var instances = store.instances();
        Set<String> alive = store.aliveInstances();
        String self = identity.instanceId();
        for (PresenceStore.Instance instance : instances) {
            String id = instance.instanceId();
            if (id.equals(self) || alive.contains(id) || reaping.contains(id)) {
                continue;
            }
            String reaper = instance.reaper();
            boolean mine = self.equals(reaper);
            if (reaper != null && !mine && alive.contains(reaper)) {
                continue; // a live node is on it
            }
            if (mine || store.claimReap(id, self, reaper)) {
                reaping.add(id);
                workers.execute(() -> reap(instance));
            }
        }
    }

    private void reap(PresenceStore.Instance dead) {
        try {
            var users = store.usersOwedBy(dead.instanceId());
            log.info("instance {} is dead; checking its {} users", dead.instanceId(), users.size());
            for (long user : users) {
                store.removeSessionHolder(user, dead.instanceId());
                tracker.checkOffline(user);
            }
            store.forgetInstance(dead.instanceId());
        } catch (RuntimeException e) {
            // The claim stays ours: the next scan tries again (each step is idempotent).
            log.warn("reaping instance {} failed, will retry: {}", dead.instanceId(), e.toString());
        } finally {
            reaping.remove(dead.instanceId());
        }
    }
}
