package io.parley.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyedRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private KeyedRateLimiter limiter(int limit, Duration period, int maxKeys) {
        return new KeyedRateLimiter("test", new RateLimitSettings.Limit(limit, period), maxKeys, nanos::get);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void allowsTheLimitPerKeyThenRefusesWithTheWaitUntilTheWindowEnds() {
        KeyedRateLimiter limiter = limiter(3, Duration.ofSeconds(60), 100);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("alice")).as("attempt %d", i + 1).isEmpty();
        }
        advance(Duration.ofSeconds(20));
        Optional<Duration> refused = limiter.tryAcquire("alice");

        assertThat(refused).hasValueSatisfying(wait ->
                assertThat(wait).isEqualTo(Duration.ofSeconds(40)));
        // another key has its own count
        assertThat(limiter.tryAcquire("bob")).isEmpty();
    }

    @Test
    void aRefusedAttemptUsesNoPermitAndTheNextWindowAllowsAgain() {
        KeyedRateLimiter limiter = limiter(2, Duration.ofSeconds(10), 100);
        limiter.tryAcquire("alice");
        limiter.tryAcquire("alice");
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire("alice")).isPresent();
        }

        advance(Duration.ofSeconds(10));

        // Had the refusals been counted (or reserved ahead), the new window would not start full.
        assertThat(limiter.tryAcquire("alice")).isEmpty();
        assertThat(limiter.tryAcquire("alice")).isEmpty();
        assertThat(limiter.tryAcquire("alice")).isPresent();
    }

    @Test
    void keysIdleForAWholePeriodAreForgotten() {
        KeyedRateLimiter limiter = limiter(1, Duration.ofSeconds(10), 100);
        for (int i = 0; i < 50; i++) {
            limiter.tryAcquire("user" + i);
        }
        assertThat(limiter.size()).isEqualTo(50);

        advance(Duration.ofSeconds(10));
        limiter.tryAcquire("late");

        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void aKeyStillInItsWindowIsNotForgottenByTheIdleSweep() {
        KeyedRateLimiter limiter = limiter(1, Duration.ofSeconds(10), 100);
        limiter.tryAcquire("old");
        advance(Duration.ofSeconds(5));
        limiter.tryAcquire("alice");
        advance(Duration.ofSeconds(6)); // "old" idle 11 s, alice 6 s

        limiter.tryAcquire("other");

        assertThat(limiter.size()).isEqualTo(2);
        assertThat(limiter.tryAcquire("alice")).as("alice's window is not over").isPresent();
    }

    @Test
    void cyclingThroughKeysNeverHoldsMoreThanMaxKeysAndKeepsTheBusyKey() {
        KeyedRateLimiter limiter = limiter(2, Duration.ofMinutes(5), 100);
        limiter.tryAcquire("victim");
        limiter.tryAcquire("victim");

        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("junk" + i);
            if (i % 50 == 0) {
                // the attacked username is used more recently than most junk keys
                assertThat(limiter.tryAcquire("victim")).isPresent();
            }
            assertThat(limiter.size()).isLessThanOrEqualTo(100);
        }

        assertThat(limiter.size()).isEqualTo(100);
        assertThat(limiter.tryAcquire("victim")).as("still counted, not reset by eviction").isPresent();
    }
}
