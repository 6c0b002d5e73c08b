package io.parley.common.events;

/**
 * A message a chat node has accepted, before it has a place in its conversation. Published with
 * acks=all before the sender gets its ack; keyed by conversation id. May be published more than
 * once for one messageId (a client retry after a node crash): consumers are idempotent by messageId.
 */
public record MessageSubmitted(
        long messageId,
        long conversationId,
        long senderId,
        String senderSessionId,
        String clientMessageId,
        String text,
        long sentAt) {
}
