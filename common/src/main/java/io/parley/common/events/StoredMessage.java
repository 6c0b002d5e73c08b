package io.parley.common.events;

/**
 * A message as it is once sequenced: {@code seq} is its dense position in its conversation
 * (1, 2, 3, …), the only order clients may rely on. {@code sentAt} is the accepting node's clock
 * in epoch milliseconds, for display only.
 */
public record StoredMessage(
        long messageId,
        long conversationId,
        long seq,
        long senderId,
        String clientMessageId,
        String text,
        long sentAt) {
}
