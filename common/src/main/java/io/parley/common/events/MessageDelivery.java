package io.parley.common.events;

/**
 * One sequenced message for one recipient on one chat node. The sender is a recipient too: every
 * session of the sender, the one that sent it included, gets the message with its seq (the ack
 * came before the message had one).
 */
public record MessageDelivery(long recipientId, StoredMessage message) {
}
