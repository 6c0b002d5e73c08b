package io.parley.common.events;

/**
 * One sequenced message for one recipient on one chat node. {@code originSessionId} is the session
 * that sent it (it already has the ack), so the node skips it when echoing to the sender's devices.
 */
public record MessageDelivery(long recipientId, String originSessionId, StoredMessage message) {
}
