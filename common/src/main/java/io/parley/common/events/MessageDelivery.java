package io.parley.common.events;

import java.util.List;

/**
 * One sequenced message for the recipients that hold sessions on one chat node: one record per
 * (message, node), however many of the conversation's members that node serves, so a group
 * message costs a record per node rather than per member. Keyed by conversation id on the node's
 * topic, so a conversation's messages reach the node in seq order.
 *
 * <p>The sender is a recipient too: every session of the sender, the one that sent it included,
 * gets the message with its seq (the ack came before the message had one).
 */
public record MessageDelivery(List<Long> recipientIds, StoredMessage message) {

    public MessageDelivery {
        recipientIds = recipientIds == null ? List.of() : List.copyOf(recipientIds);
    }
}
