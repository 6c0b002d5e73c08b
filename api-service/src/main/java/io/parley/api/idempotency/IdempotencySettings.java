package io.parley.api.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of {@code Idempotency-Key} handling ({@code parley.idempotency.*}).
 *
 * @param retention how long a key is remembered (the TTL of its row): a retry with the same key
 *                  after this is a new request
 * @param lease     how long the first request holds an unfinished key before a retry may take it
 *                  over and redo the operation; must be longer than the slowest normal request
 *                  (a group change waits up to publish-timeout + apply-wait), or a live request and
 *                  its retry would run at the same time
 */
@ConfigurationProperties("parley.idempotency")
public record IdempotencySettings(
        @DefaultValue("24h") Duration retention,
        @DefaultValue("30s") Duration lease) {

    public IdempotencySettings {
        if (retention.toSeconds() < 1 || lease.isNegative() || lease.isZero() || lease.compareTo(retention) >= 0) {
            throw new IllegalArgumentException(
                    "parley.idempotency.retention must be at least 1s and lease positive and shorter than retention");
        }
    }
}
