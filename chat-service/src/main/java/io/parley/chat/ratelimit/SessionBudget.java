package io.parley.chat.ratelimit;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * The per-session limits of one session: held by the session object, so they live and die with it
 * (no map, nothing to clean up). Made by {@link FrameRateLimits#newSession()}.
 */
public final class SessionBudget {

    /** A session nothing limits (limits switched off). */
    public static final SessionBudget UNLIMITED = new SessionBudget(null, null);

    /** Null when the limits are off. */
    final AtomicRateLimiter sends;
    final AtomicRateLimiter presence;

    SessionBudget(AtomicRateLimiter sends, AtomicRateLimiter presence) {
        this.sends = sends;
        this.presence = presence;
    }
}
