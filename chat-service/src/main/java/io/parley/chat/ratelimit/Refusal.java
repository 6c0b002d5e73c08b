package io.parley.chat.ratelimit;

import java.time.Duration;

/**
 * A frame refused by a rate limit.
 *
 * @param limit      which limit (for logs and the refusal counter): {@code send-per-session},
 *                   {@code send-per-user}, {@code presence-per-session}, {@code presence-per-user}
 * @param retryAfter how long until that limit has a permit again
 */
public record Refusal(String limit, Duration retryAfter) {

    /** The wait in whole milliseconds, rounded up and at least 1 (what the error frame carries). */
    public long retryAfterMillis() {
        long nanos = retryAfter.toNanos();
        return Math.max(1, (nanos + 999_999L) / 1_000_000L);
    }
}
