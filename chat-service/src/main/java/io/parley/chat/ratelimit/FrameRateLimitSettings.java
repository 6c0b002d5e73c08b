package io.parley.chat.ratelimit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits of the client frames that cost the node the most ({@code parley.chat.rate-limits.*},
 * docs/protocol.md "Rate limits"): {@code send} (a claim in Cassandra, a Kafka publish, then
 * sequencing, storage and fan-out) and the presence frames (a {@code presence_query} of 100 ids
 * reads Cassandra for each of them). Every limit is per chat node: a user with sessions on k nodes
 * gets k times the per-user budget.
 *
 * @param enabled            false turns every limit below off
 * @param sendPerSession     {@code send} frames of one session
 * @param sendPerUser        {@code send} frames of all sessions of one user on this node
 * @param presencePerSession {@code presence_subscribe}, {@code presence_query} and {@code presence_settings}
 *                           frames of one session
 * @param presencePerUser    the same frames of all sessions of one user on this node
 * @param maxUsers           most users whose per-user budgets are remembered at once; a user idle for a
 *                           whole period is forgotten anyway (its budget would be full again)
 */
@ConfigurationProperties("parley.chat.rate-limits")
public record FrameRateLimitSettings(
        @DefaultValue("true") boolean enabled,
        Limit sendPerSession,
        Limit sendPerUser,
        Limit presencePerSession,
        Limit presencePerUser,
        @DefaultValue("100000") int maxUsers) {

    /** The defaults when application.yml names none (they match it; docs/protocol.md says why). */
    static final Limit DEFAULT_SEND_PER_SESSION = new Limit(1000, Duration.ofSeconds(10));
    static final Limit DEFAULT_SEND_PER_USER = new Limit(1500, Duration.ofSeconds(10));
    static final Limit DEFAULT_PRESENCE_PER_SESSION = new Limit(10, Duration.ofSeconds(10));
    static final Limit DEFAULT_PRESENCE_PER_USER = new Limit(30, Duration.ofSeconds(10));

    public FrameRateLimitSettings {
        sendPerSession = sendPerSession == null ? DEFAULT_SEND_PER_SESSION : sendPerSession;
        sendPerUser = sendPerUser == null ? DEFAULT_SEND_PER_USER : sendPerUser;
        presencePerSession = presencePerSession == null ? DEFAULT_PRESENCE_PER_SESSION : presencePerSession;
        presencePerUser = presencePerUser == null ? DEFAULT_PRESENCE_PER_USER : presencePerUser;
        if (maxUsers < 1) {
            throw new IllegalArgumentException("parley.chat.rate-limits.max-users must be at least 1");
        }
    }

    /** Every limit at its default, on or off. */
    public static FrameRateLimitSettings defaults(boolean enabled) {
        return new FrameRateLimitSettings(enabled, null, null, null, null, 100_000);
    }

    /**
     * At most {@code limit} frames in each window of {@code period}; a refused frame uses no permit
     * of the limit that refused it. Windows are fixed (resilience4j's AtomicRateLimiter): the whole
     * limit may be used at once (the burst), and the sustained rate is limit / period.
     */
    public record Limit(int limit, Duration period) {

        public Limit {
            if (limit < 1 || period == null || period.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "a parley.chat.rate-limits limit needs limit >= 1 and a period of at least 1ms, got "
                                + limit + " per " + period);
            }
        }
    }
}
