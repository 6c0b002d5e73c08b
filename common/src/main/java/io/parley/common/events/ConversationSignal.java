package io.parley.common.events;

import java.util.List;

/**
 * Something short-lived that happened in a conversation, for the listed recipients whose sessions
 * are on the chat node whose signal topic carries this record: a receipt (a member's watermark
 * moved) or a typing indicator. One record per node, whatever the number of recipients there.
 *
 * @param conversationId where it happened
 * @param userId         who did it (whose watermark moved, who is typing)
 * @param kind           {@link #RECEIPT} or {@link #TYPING}
 * @param state          for a receipt {@code delivered} or {@code read}; for typing {@code start} or {@code stop}
 * @param seq            for a receipt, the new watermark; 0 for typing
 * @param expiresInMs    for typing, how long a {@code start} holds; 0 for a receipt
 * @param recipients     users with sessions on that node who get it
 */
public record ConversationSignal(long conversationId, long userId, String kind, String state, long seq,
                                 long expiresInMs, List<Long> recipients) {

    public static final String RECEIPT = "receipt";
    public static final String TYPING = "typing";
}
