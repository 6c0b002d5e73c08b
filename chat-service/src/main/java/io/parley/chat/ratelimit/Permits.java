package io.parley.chat.ratelimit;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** resilience4j's {@link AtomicRateLimiter}, used the one way the limits here need it. */
final class Permits {

    private Permits() {
    }

    /** A limiter that never waits for a permit: over the limit it refuses at once. */
    static AtomicRateLimiter limiter(String name, FrameRateLimitSettings.Limit limit, Supplier<Long> nanoClock) {
        RateLimiterConfig config = RateLimiterConfig.custom()
                .limitForPeriod(limit.limit())
                .limitRefreshPeriod(limit.period())
                .timeoutDuration(Duration.ZERO)
                .build();
        return new AtomicRateLimiter(name, config, nanoClock);
    }

    /**
     * Takes one permit.
     *
     * @return empty when allowed; when refused, how long until the limiter has a permit again (a
     *         refused call reserves nothing, so this is the start of the next window)
     */
    static Optional<Duration> tryAcquire(AtomicRateLimiter limiter) {
        if (limiter.acquirePermission()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, limiter.getDetailedMetrics().getNanosToWait())));
    }
}
