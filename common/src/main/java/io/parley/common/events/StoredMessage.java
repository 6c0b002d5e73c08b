package io.parley.common.events;

/**
 * A message as it is once sequenced: {@code seq} is its dense position in its conversation
 * (1, 2, 3, …), the only order clients may rely on. {@code sentAt} is the accepting node's clock
 * in epoch milliseconds, for display only. {@code kind} is {@code text} or {@code system}; a system
 * message has {@code system} set and no text (JSON without {@code kind} reads as text).
 */
public record StoredMessage(
        long messageId,
        long conversationId,
        long seq,
        long senderId,
        String clientMessageId,
        String text,
        long sentAt,
        String kind,
        SystemEvent system) {

    public StoredMessage {
        kind = MessageKind.orText(kind);
    }

    /** A text message. */
    public StoredMessage(long messageId, long conversationId, long seq, long senderId, String clientMessageId,
                         String text, long sentAt) {
        this(messageId, conversationId, seq, senderId, clientMessageId, text, sentAt, MessageKind.TEXT, null);
    }

    public boolean hasSystemEvent() {
        return MessageKind.SYSTEM.equals(kind) && system != null;
    }
}
