package io.parley.push.sender;

import java.util.List;

/**
 * Sends notifications to devices. Implementations: {@code fcm.FcmPushSender} (Firebase Cloud
 * Messaging through firebase-admin) and {@code log.LogPushSender} (writes them to the log; used
 * when no Firebase credentials are configured).
 */
public interface PushSender {

    /**
     * Sends each message once (no retries of its own beyond what the SDK does internally) and
     * returns one outcome per message, in the same order. Never throws for a failed message.
     */
    List<SendOutcome> send(List<PushMessage> messages);

    /** A short description of where notifications go, for the log and the health endpoint. */
    String sink();

    /** True when notifications are only logged, never delivered. */
    boolean logOnly();
}
