package io.parley.push.notify;

import io.parley.common.events.StoredMessage;

/**
 * One notification request waiting in a coalescing window: a message for a recipient, and the
 * Kafka partition it came from (its pending row is filed under that partition, see {@link PendingStore}).
 */
record PendingNotification(int partition, long recipientId, StoredMessage message) {

    GroupKey group() {
        return new GroupKey(recipientId, message.conversationId());
    }

    /** What is coalesced into one notification: one recipient's messages of one conversation. */
    record GroupKey(long recipientId, long conversationId) {
    }
}
