package io.parley.api.group;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of groups ({@code parley.groups.*}).
 *
 * @param maxMembers     most members a group may have, owner included (docs/design.md, "Groups")
 * @param publishTimeout how long a change waits for Kafka's ack of its system message (then 503, nothing changed)
 * @param applyWait      how long a change then waits for the sequencer to apply it, so the answer
 *                       shows the new state; 0 answers at once (202 until applied)
 */
@ConfigurationProperties("parley.groups")
record GroupSettings(
        @DefaultValue("500") int maxMembers,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("5s") Duration applyWait) {

    GroupSettings {
        if (maxMembers < 2) {
            throw new IllegalArgumentException("parley.groups.max-members must be at least 2");
        }
        if (publishTimeout.isNegative() || publishTimeout.isZero() || applyWait.isNegative()) {
            throw new IllegalArgumentException("parley.groups.publish-timeout must be positive and apply-wait not negative");
        }
    }
}
