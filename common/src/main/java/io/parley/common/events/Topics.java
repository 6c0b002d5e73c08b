package io.parley.common.events;

/**
 * Kafka topic names. Records are keyed so that Kafka's per-partition order is the order that
 * matters: submitted messages by conversation id (one sequencer per conversation at a time),
 * node deliveries and offline notifications by recipient user id (a per-recipient queue).
 */
public final class Topics {

    /** {@link MessageSubmitted}, keyed by conversation id. */
    public static final String MESSAGES_SUBMITTED = "parley.messages.submitted";

    /**
     * {@link StoredMessage}s in seq order, keyed by conversation id: the sequencer's output, written
     * in Kafka transactions (read it with {@code isolation.level=read_committed}). Chat nodes store
     * and route from it; its partitions match {@link #MESSAGES_SUBMITTED}'s.
     */
    public static final String MESSAGES_SEQUENCED = "parley.messages.sequenced";

    /** {@link OfflineNotificationRequested}, keyed by recipient user id; consumed by push-service. */
    public static final String NOTIFICATIONS_OFFLINE = "parley.notifications.offline";

    /**
     * Records of {@link #MESSAGES_SUBMITTED} that can never be sequenced (not JSON of a
     * {@code MessageSubmitted}, or holding what the store cannot take), set aside whole (key,
     * value bytes, headers plus where they came from and why) so that the conversations behind
     * them keep flowing. Nothing reads it automatically: an operator inspects it.
     */
    public static final String MESSAGES_DEAD_LETTER = "parley.messages.submitted.dlt";

    /**
     * Where the sessions of the cluster are, read whole by every chat node into its session
     * directory: compacted, keyed {@code s:<sessionId>} (where a session is; a tombstone when it
     * closes) and {@code i:<instanceId>} (a start of a chat node is alive). Chat nodes alone write
     * and read it.
     */
    public static final String SESSIONS = "parley.sessions";

    /**
     * {@link TokensRevoked}, keyed by user id: api-service announces every logout and password
     * change; every chat node reads all of it (its own consumer group, from its start on) and closes
     * the affected sessions it holds. One partition: revocations are rare, and every node reads all.
     */
    public static final String TOKEN_REVOCATIONS = "parley.auth.revocations";

    private static final String NODE_DELIVERIES_PREFIX = "parley.deliveries.node.";

    /**
     * {@link MessageDelivery} records for the sessions one chat node holds, keyed by conversation
     * id. A topic per chat node (nodes are few), never a topic per user (users are millions):
     * each node reads only what its own sessions need.
     */
    public static String nodeDeliveries(String nodeId) {
        return NODE_DELIVERIES_PREFIX + nodeId;
    }

    private static final String NODE_PRESENCE_PREFIX = "parley.presence.node.";

    /**
     * {@link PresenceChanged} records for the sessions one chat node holds, keyed by the user whose
     * presence changed. Separate from {@link #nodeDeliveries} so that a presence storm (a node
     * restart reconnecting thousands of users) never queues in front of messages.
     */
    public static String nodePresence(String nodeId) {
        return NODE_PRESENCE_PREFIX + nodeId;
    }

    private static final String NODE_SIGNALS_PREFIX = "parley.signals.node.";

    /**
     * {@link ConversationSignal} records (receipts, typing) for the sessions one chat node holds,
     * keyed by conversation id. Separate from {@link #nodeDeliveries} for the same reason as
     * presence: a flood of typing indicators must never queue in front of messages.
     */
    public static String nodeSignals(String nodeId) {
        return NODE_SIGNALS_PREFIX + nodeId;
    }

    private Topics() {
    }
}
