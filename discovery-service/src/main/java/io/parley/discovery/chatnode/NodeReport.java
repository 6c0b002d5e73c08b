package io.parley.discovery.chatnode;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.net.URI;
import java.util.Locale;

/**
 * What a chat node says about itself at {@code GET /internal/node} (contract in docs/design.md).
 *
 * @param nodeId      the node's id ({@code parley.chat.node-id})
 * @param wsUrl       the public WebSocket URL clients should open
 * @param connections open WebSocket sessions right now: the load we balance on
 * @param draining    true once the node is shutting down and must receive no new clients
 */
// Unknown fields are ignored so chat-service can add fields without breaking discovery.
@JsonIgnoreProperties(ignoreUnknown = true)
record NodeReport(String nodeId, String wsUrl, Integer connections, Boolean draining) {

    /**
     * Why this report cannot be believed, or null when it can. A node that reports no load, a
     * negative one ({@code connections: -1} would make it the least loaded of all) or more than any
     * node can hold, or a WebSocket URL that is not {@code ws://} or {@code wss://}, is not handed
     * to clients: the report is treated like a failed poll.
     */
    String problem(int maxConnections) {
        if (connections == null) {
            return "no connections count";
        }
        if (connections < 0 || connections > maxConnections) {
            return "connections " + connections + " outside 0.." + maxConnections;
        }
        if (draining == null) {
            return "no draining flag";
        }
        if (wsUrl != null && !wsUrl.isBlank() && !isWebSocketUrl(wsUrl)) {
            return "wsUrl is not a ws:// or wss:// URL";
        }
        return null;
    }

    private static boolean isWebSocketUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("ws") || scheme.equals("wss")) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }
}
