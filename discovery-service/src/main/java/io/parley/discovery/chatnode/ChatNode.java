package io.parley.discovery.chatnode;

import java.time.Duration;
import java.time.Instant;

/**
 * What discovery knows about one chat node after its latest poll.
 *
 * @param instanceId  the Eureka instance id (the key: a node id is only known once the node answers)
 * @param nodeId      the node's own id, or the instance id until it has answered
 * @param url         the WebSocket URL to hand to clients, or {@code null} if unknown
 * @param connections open sessions at the last successful poll
 * @param draining    the node said it is draining
 * @param reachable   the latest poll succeeded
 * @param lastSeen    when the node last answered a poll, or {@code null} if it never has
 */
record ChatNode(
        String instanceId,
        String nodeId,
        String url,
        int connections,
        boolean draining,
        boolean reachable,
        Instant lastSeen) {

    static ChatNode answered(ChatInstance instance, NodeReport report, Instant now) {
        String nodeId = isBlank(report.nodeId()) ? instance.instanceId() : report.nodeId();
        String url = isBlank(report.wsUrl()) ? instance.metadataWsUrl() : report.wsUrl();
        return new ChatNode(instance.instanceId(), nodeId, url, report.connections(), report.draining(), true, now);
    }

    /** A failed poll keeps what we knew (useful to operators) but makes the node unavailable. */
    static ChatNode failed(ChatInstance instance, ChatNode previous) {
        if (previous == null) {
            return new ChatNode(instance.instanceId(), instance.instanceId(), instance.metadataWsUrl(), 0, false, false, null);
        }
        return new ChatNode(previous.instanceId(), previous.nodeId(), previous.url(), previous.connections(),
                previous.draining(), false, previous.lastSeen());
    }

    /** May a client be sent here? Answered recently, not draining, and we know where to send it. */
    boolean availableAt(Instant now, Duration staleAfter) {
        return reachable
                && !draining
                && !isBlank(url)
                && lastSeen != null
                && !lastSeen.isBefore(now.minus(staleAfter));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
