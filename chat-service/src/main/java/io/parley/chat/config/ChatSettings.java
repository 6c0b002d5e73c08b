package io.parley.chat.config;

import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of one chat node ({@code parley.chat.*}). Every property is described in
 * application.yml and in the appendix of docs/protocol.md; the limits a client must respect are
 * also sent to it in the {@code welcome} frame.
 *
 * @param nodeId              this node's id; names its delivery topic and its Kafka consumer group,
 *                            so it must be unique among live nodes and a legal Kafka topic suffix
 * @param publicWsUrl         the WebSocket URL clients use to reach this node (Eureka metadata {@code ws-url})
 * @param maxFrameBytes       largest accepted client frame, in UTF-8 bytes
 * @param maxTextLength       largest accepted message text, in Unicode code points
 * @param heartbeatInterval   how often clients are asked to send {@code ping}
 * @param idleTimeout         a session that sent nothing for this long is closed
 * @param sendTimeout         how long an accept waits for Kafka's ack before answering {@code unavailable}
 * @param sessionTtl          a node not heard for this long counts as dead: its sessions are no longer routed to
 * @param sessionRefreshInterval how often a node tells the session directory it is alive (well under the TTL)
 * @param outboundBufferBytes bytes that may queue for one slow client before it is disconnected
 * @param outboundSendTimeLimit a frame that has waited this long for its client when the next one is written
 *                            disconnects the client (no thread waits for it meanwhile)
 * @param maxPendingFrames    client frames one session may have in processing at once
 * @param workerThreads       threads shared by all sessions for blocking work (Cassandra, Kafka acks)
 * @param syncDefaultLimit    messages per {@code sync_result} when the client gives no limit
 * @param syncMaxLimit        largest limit a client may ask for
 * @param membershipCacheTtl  how long conversation members are cached (0 = no cache)
 * @param deliveryTopic       how this node's delivery topic is created
 * @param maxSessionsPerUser  open sessions one user may have in the whole cluster; one more is closed with 4008
 */
@ConfigurationProperties("parley.chat")
public record ChatSettings(
        String nodeId,
        String publicWsUrl,
        @DefaultValue("16384") int maxFrameBytes,
        @DefaultValue("4000") int maxTextLength,
        @DefaultValue("15s") Duration heartbeatInterval,
        @DefaultValue("35s") Duration idleTimeout,
        @DefaultValue("10s") Duration sendTimeout,
        @DefaultValue("60s") Duration sessionTtl,
        @DefaultValue("20s") Duration sessionRefreshInterval,
        @DefaultValue("524288") int outboundBufferBytes,
        @DefaultValue("10s") Duration outboundSendTimeLimit,
        @DefaultValue("32") int maxPendingFrames,
        @DefaultValue("16") int workerThreads,
        @DefaultValue("100") int syncDefaultLimit,
        @DefaultValue("500") int syncMaxLimit,
        @DefaultValue("5s") Duration membershipCacheTtl,
        @DefaultValue DeliveryTopic deliveryTopic,
        @DefaultValue("20") int maxSessionsPerUser) {

    /** Kafka's legal topic characters; the node id becomes part of a topic name. */
    private static final Pattern TOPIC_SAFE = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public ChatSettings {
        if (nodeId == null || !TOPIC_SAFE.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("parley.chat.node-id must be 1-200 of [A-Za-z0-9._-], was: " + nodeId);
        }
        if (publicWsUrl == null || publicWsUrl.isBlank()) {
            throw new IllegalArgumentException("parley.chat.public-ws-url is required");
        }
        if (maxFrameBytes < 256 || maxTextLength < 1 || syncDefaultLimit < 1 || syncMaxLimit < syncDefaultLimit
                || maxSessionsPerUser < 1) {
            throw new IllegalArgumentException("parley.chat limits are inconsistent");
        }
        if (sessionRefreshInterval.compareTo(sessionTtl) >= 0) {
            // Beats slower than the TTL would make live nodes look dead between beats.
            throw new IllegalArgumentException("parley.chat.session-refresh-interval must be shorter than session-ttl");
        }
    }

    /**
     * @param partitions  partitions of {@code parley.deliveries.node.<nodeId>} (keyed by recipient)
     * @param replicas    replication factor (1 for a one-broker development cluster)
     * @param retention   how long undelivered deliveries are kept; they are ephemeral (sync is the durable path)
     */
    public record DeliveryTopic(
            @DefaultValue("8") int partitions,
            @DefaultValue("1") short replicas,
            @DefaultValue("1h") Duration retention) {
    }
}
