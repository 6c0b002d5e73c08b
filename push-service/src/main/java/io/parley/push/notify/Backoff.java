package io.parley.push.notify;

import java.time.Duration;

/**
 * The pause before retrying a send that FCM answered with 429/5xx: exponential from
 * {@code initial} (doubling per attempt, capped at {@code max}), but never shorter than the
 * provider's Retry-After, which is honoured as asked (bounded only by {@link #LONGEST_RETRY_AFTER}
 * against absurd values).
 */
record Backoff(Duration initial, Duration max) {

    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);

    /**
     * @param attempt    the attempt that just failed, from 1
     * @param retryAfter what the provider asked for, or null
     */
    Duration delayAfter(int attempt, Duration retryAfter) {
        Duration exponential = initial.multipliedBy(1L << Math.min(30, Math.max(0, attempt - 1)));
        if (exponential.compareTo(max) > 0 || exponential.isNegative()) {
            exponential = max;
        }
        if (retryAfter == null) {
            return exponential;
        }
        Duration asked = retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
        return asked.compareTo(exponential) > 0 ? asked : exponential;
    }
}
