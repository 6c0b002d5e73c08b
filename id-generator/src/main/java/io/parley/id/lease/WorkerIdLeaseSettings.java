package io.parley.id.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a worker id lease lasts and how often it is renewed.
 *
 * <p>A lease row written at time t expires in Cassandra at t + ttl, but TTLs are counted in whole
 * seconds from the coordinator's clock, and our own renewal may be delayed (GC, a slow node). So
 * the holder considers its lease valid only until {@code start of the last successful renewal +
 * ttl - safety margin}, with a margin of a sixth of the TTL and at least 2 s: the generator stops
 * issuing ids before anybody else can possibly obtain the same worker id.
 *
 * @param ttl the lease TTL written to Cassandra, in whole seconds, at least 3 s
 * @param renewInterval how often the holder renews; must leave time for a retry before the
 *        lease runs out locally (the default, ttl / 3, leaves two)
 */
public record WorkerIdLeaseSettings(Duration ttl, Duration renewInterval) {

    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);

    private static final Duration MIN_SAFETY_MARGIN = Duration.ofSeconds(2);

    public WorkerIdLeaseSettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(renewInterval, "renewInterval");
        if (ttl.toMillis() % 1000 != 0 || ttl.toSeconds() < 3) {
            throw new IllegalArgumentException("lease ttl must be whole seconds, at least 3 s: " + ttl);
        }
        if (renewInterval.isNegative() || renewInterval.isZero()) {
            throw new IllegalArgumentException("lease renew interval must be positive: " + renewInterval);
        }
        Duration validity = ttl.minus(safetyMargin(ttl));
        if (renewInterval.compareTo(validity) >= 0) {
            throw new IllegalArgumentException("lease renew interval " + renewInterval
                    + " must be shorter than the lease's local validity " + validity + " (ttl " + ttl + ")");
        }
    }

    /** The TTL, renewed every ttl / 3. */
    public static WorkerIdLeaseSettings ofTtl(Duration ttl) {
        return new WorkerIdLeaseSettings(ttl, ttl.dividedBy(3));
    }

    public static WorkerIdLeaseSettings defaults() {
        return ofTtl(DEFAULT_TTL);
    }

    /** How long after a renewal was sent the holder may keep issuing ids without another one. */
    public Duration localValidity() {
        return ttl.minus(safetyMargin(ttl));
    }

    private static Duration safetyMargin(Duration ttl) {
        Duration sixth = ttl.dividedBy(6);
        return sixth.compareTo(MIN_SAFETY_MARGIN) > 0 ? sixth : MIN_SAFETY_MARGIN;
    }
}
