package io.parley.common.events;

/**
 * A message accepted for a conversation, before it has a place in it. Published with acks=all
 * before the sender gets its answer; keyed by conversation id. May be published more than once
 * for one messageId (a client retry after a node crash): consumers are idempotent by messageId.
 *
 * <p>Chat nodes publish {@link MessageKind#TEXT text} messages; api-service publishes
 * {@link MessageKind#SYSTEM system} messages (group changes, with {@code system} set and no text)
 * on the same topic and key, so they take their place in the conversation's one order.
 * JSON without {@code kind} (older producers) reads as text.
 */
public record MessageSubmitted(
        long messageId,
        long conversationId,
        long senderId,
        String senderSessionId,
        String clientMessageId,
        String text,
        long sentAt,
        String kind,
        SystemEvent system) {

    public MessageSubmitted {
        kind = MessageKind.orText(kind);
    }

    /** A text message from a chat node. */
    public MessageSubmitted(long messageId, long conversationId, long senderId, String senderSessionId,
                            String clientMessageId, String text, long sentAt) {
        this(messageId, conversationId, senderId, senderSessionId, clientMessageId, text, sentAt, MessageKind.TEXT, null);
    }

    /** A system message; the sender is the acting user, there is no session and no client id. */
    public static MessageSubmitted system(long messageId, long conversationId, SystemEvent event, long sentAt) {
        return new MessageSubmitted(messageId, conversationId, event.actorId(), null, null, null, sentAt,
                MessageKind.SYSTEM, event);
    }

    public boolean hasSystemEvent() {
        return MessageKind.SYSTEM.equals(kind) && system != null;
    }
}
