package io.parley.common.events;

/** A recipient had no online session when the message was sequenced; keyed by recipient id. */
public record OfflineNotificationRequested(long recipientId, StoredMessage message) {
}
