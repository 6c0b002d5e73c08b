package io.parley.chat.presence;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Presence settings ({@code parley.chat.presence.*}); the bounds they give are derived in
 * docs/design.md ("Presence").
 *
 * @param grace             how long a user whose last session closed (or went silent past the idle
 *                          timeout) stays online for others, so a reconnect (network switch, node
 *                          drain) shows no offline/online flap
 * @param nodeHeartbeatInterval how often this node refreshes its {@code chat_node_heartbeats} row
 *                          and looks for dead instances to reap
 * @param nodeHeartbeatTtl  TTL of that row: a node killed with kill -9 is noticed this long after
 *                          its last heartbeat, and its users are then checked at once (the TTL is
 *                          their grace period for reconnecting elsewhere)
 * @param pushLimit         conversations with at most this many members have their members' changes
 *                          pushed to subscribed sessions; members of larger ones are asked for
 *                          with {@code presence_query}
 * @param queryMaxUsers     most user ids one {@code presence_query} may name
 * @param threads           threads for presence work (Cassandra, routing), separate from the
 *                          session workers so a presence storm never delays messages
 * @param topic             how this node's presence topic is created
 */
@ConfigurationProperties("parley.chat.presence")
public record PresenceSettings(
        @DefaultValue("10s") Duration grace,
        @DefaultValue("2s") Duration nodeHeartbeatInterval,
        @DefaultValue("10s") Duration nodeHeartbeatTtl,
        @DefaultValue("50") int pushLimit,
        @DefaultValue("100") int queryMaxUsers,
        @DefaultValue("2") int threads,
        @DefaultValue Topic topic) {

    public PresenceSettings {
        if (nodeHeartbeatTtl.compareTo(nodeHeartbeatInterval.multipliedBy(2)) < 0) {
            // One late heartbeat must not make a live node look dead.
            throw new IllegalArgumentException(
                    "parley.chat.presence.node-heartbeat-ttl must be at least twice node-heartbeat-interval");
        }
        if (grace.isNegative() || pushLimit < 2 || queryMaxUsers < 1 || threads < 1) {
            throw new IllegalArgumentException("parley.chat.presence settings are inconsistent");
        }
    }

    /**
     * @param partitions partitions of {@code parley.presence.node.<nodeId>} (keyed by the user who changed)
     * @param replicas   replication factor
     * @param retention  presence changes are worthless after minutes; a client resubscribes after a reconnect
     */
    public record Topic(
            @DefaultValue("4") int partitions,
            @DefaultValue("1") short replicas,
            @DefaultValue("10m") Duration retention) {
    }
}
