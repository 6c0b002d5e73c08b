package io.parley.discovery.chatnode;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How discovery finds and watches chat nodes ({@code parley.discovery.chat-nodes.*}).
 *
 * @param appName      the Eureka application name chat nodes register under
 * @param pollInterval how often every UP chat node is asked for its load
 * @param pollTimeout  how long one {@code /internal/node} call may take before the node counts as failed
 * @param staleAfter   a node not heard from for this long is never handed out, even if nothing
 *                     else marked it failed (guards against a stuck poller serving old answers)
 * @param maxConnections the most connections a node may report; a report above it (or below 0) is
 *                     not believed, and the node is treated as if its poll had failed
 */
@ConfigurationProperties("parley.discovery.chat-nodes")
record ChatNodeProperties(
        @DefaultValue("chat-service") String appName,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("1s") Duration pollTimeout,
        @DefaultValue("10s") Duration staleAfter,
        @DefaultValue("1000000") int maxConnections) {
}
