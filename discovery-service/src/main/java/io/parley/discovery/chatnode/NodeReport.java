package io.parley.discovery.chatnode;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
record NodeReport(String nodeId, String wsUrl, int connections, boolean draining) {
}
