package io.parley.id.config;

import java.time.Duration;

import io.parley.id.lease.WorkerIdLeaseSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code parley.id.*}: the auto-configured {@link io.parley.id.IdGenerator}.
 *
 * @param enabled set to false to skip the auto-configured generator (and its lease) entirely
 * @param leaseTtl the worker id lease TTL in Cassandra; a crashed process's worker id is free
 *        again after this long
 * @param leaseRenewInterval how often the lease is renewed; defaults to a third of the TTL
 */
@ConfigurationProperties("parley.id")
public record IdGeneratorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration leaseTtl,
        Duration leaseRenewInterval) {

    WorkerIdLeaseSettings leaseSettings() {
        return leaseRenewInterval == null
                ? WorkerIdLeaseSettings.ofTtl(leaseTtl)
                : new WorkerIdLeaseSettings(leaseTtl, leaseRenewInterval);
    }
}
