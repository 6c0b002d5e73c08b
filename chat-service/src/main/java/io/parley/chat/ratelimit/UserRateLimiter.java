package io.parley.chat.ratelimit;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One limit applied per user id on this node: a resilience4j {@link AtomicRateLimiter} per user, in
 * a map whose size is bounded (the same design as api-service's {@code KeyedRateLimiter}, keyed by
 * user id; common holds wire contracts only, so each service keeps its own small copy).
 *
 * <p>Memory: a user unused for a whole period is dropped on the next call. That loses nothing: after
 * a full period the limiter would have all its permits back, exactly like a new one. If more than
 * {@code maxUsers} users are in use within one period, the least recently used is dropped early and
 * starts counting again; that is logged. One lock guards the map for a few map operations per frame.
 */
final class UserRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(UserRateLimiter.class);
    private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final String name;
    private final FrameRateLimitSettings.Limit limit;
    private final int maxUsers;
    private final long periodNanos;
    private final Supplier<Long> nanoClock;
    /** In access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<Long, Entry> limiters = new LinkedHashMap<>(64, 0.75f, true);
    private long lastWarnNanos;
    private boolean warned;

    private static final class Entry {
        final AtomicRateLimiter limiter;
        long lastUsedNanos;

        Entry(AtomicRateLimiter limiter) {
            this.limiter = limiter;
        }
    }

    UserRateLimiter(String name, FrameRateLimitSettings.Limit limit, int maxUsers, Supplier<Long> nanoClock) {
        this.name = name;
        this.limit = limit;
        this.maxUsers = maxUsers;
        this.periodNanos = limit.period().toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one permit of {@code userId}.
     *
     * @return empty when allowed; when refused, how long until the user has a permit again
     */
    Optional<Duration> tryAcquire(long userId) {
        return Permits.tryAcquire(limiterFor(userId));
    }

    /** How many users are remembered now. */
    int size() {
        synchronized (limiters) {
            return limiters.size();
        }
    }

    private AtomicRateLimiter limiterFor(long userId) {
        synchronized (limiters) {
            long now = nanoClock.get();
            dropIdle(now);
            Entry entry = limiters.get(userId);
            if (entry == null) {
                entry = new Entry(Permits.limiter(name, limit, nanoClock));
                limiters.put(userId, entry);
                if (limiters.size() > maxUsers) {
                    dropEldest(now);
                }
            }
            entry.lastUsedNanos = now;
            return entry.limiter;
        }
    }

    /** Drops users unused for a whole period, eldest first, stopping at the first one still in use. */
    private void dropIdle(long now) {
        Iterator<Entry> eldestFirst = limiters.values().iterator();
        while (eldestFirst.hasNext()) {
            if (now - eldestFirst.next().lastUsedNanos < periodNanos) {
                return;
            }
            eldestFirst.remove();
        }
    }

    private void dropEldest(long now) {
        Iterator<Entry> eldestFirst = limiters.values().iterator();
        eldestFirst.next();
        eldestFirst.remove();
        if (!warned || now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
            warned = true;
            lastWarnNanos = now;
            log.warn("Rate limit {} tracks more than {} users within one period; the least recently used "
                    + "start counting again (raise parley.chat.rate-limits.max-users)", name, maxUsers);
        }
    }
}
