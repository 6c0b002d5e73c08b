package io.parley.api.ratelimit;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One limit applied per key (a username, a client address): a resilience4j {@link AtomicRateLimiter}
 * per key, kept in a map whose size is bounded, so that a client cycling through keys cannot grow
 * the heap.
 *
 * <p>Memory: a key unused for a whole period is dropped on the next call. That loses nothing:
 * after a full period its limiter would have all its permits back, exactly like a new one. If more
 * than {@code maxKeys} keys are in use within one period (many attackers, or {@code max-keys} set
 * too low), the least recently used key is dropped early and its count starts again; that is logged.
 * The map is guarded by one lock, held for a few map operations per request, which is nothing next
 * to the bcrypt hash the limit protects.
 */
final class KeyedRateLimiter {

    private static final Logger log = LoggerFactory.getLogger(KeyedRateLimiter.class);
    private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final String name;
    private final RateLimiterConfig config;
    private final int maxKeys;
    private final long periodNanos;
    private final Supplier<Long> nanoClock;
    /** In access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<String, Entry> limiters = new LinkedHashMap<>(64, 0.75f, true);
    private long lastWarnNanos;
    private boolean warned;

    private static final class Entry {
        final AtomicRateLimiter limiter;
        long lastUsedNanos;

        Entry(AtomicRateLimiter limiter) {
            this.limiter = limiter;
        }
    }

    KeyedRateLimiter(String name, RateLimitSettings.Limit limit, int maxKeys, Supplier<Long> nanoClock) {
        this.name = name;
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(limit.limit())
                .limitRefreshPeriod(limit.period())
                .timeoutDuration(Duration.ZERO) // never wait for a permit: refuse at once
                .build();
        this.maxKeys = maxKeys;
        this.periodNanos = limit.period().toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one permit for {@code key}.
     *
     * @return empty when allowed; when refused, how long until the key has a permit again
     */
    Optional<Duration> tryAcquire(String key) {
        AtomicRateLimiter limiter = limiterFor(key);
        if (limiter.acquirePermission()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, limiter.getDetailedMetrics().getNanosToWait())));
    }

    /** How many keys are remembered now. */
    int size() {
        synchronized (limiters) {
            return limiters.size();
        }
    }

    private AtomicRateLimiter limiterFor(String key) {
        synchronized (limiters) {
            long now = nanoClock.get();
            dropIdle(now);
            Entry entry = limiters.get(key);
            if (entry == null) {
                entry = new Entry(new AtomicRateLimiter(name, config, nanoClock));
                limiters.put(key, entry);
                if (limiters.size() > maxKeys) {
                    dropEldest(now);
                }
            }
            entry.lastUsedNanos = now;
            return entry.limiter;
        }
    }

    /** Drops keys unused for a whole period, eldest first, stopping at the first one still in use. */
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
            log.warn("Rate limit {} tracks more than {} keys within one period; the least recently used "
                    + "keys start counting again (raise parley.rate-limits.max-keys if this is not an attack)",
                    name, maxKeys);
        }
    }
}
