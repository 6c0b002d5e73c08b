package io.parley.push.notify;

import io.parley.common.events.StoredMessage;
import io.parley.push.device.Device;
import io.parley.push.sender.PushMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What one device is shown for a burst of messages of one conversation: title = the latest
 * message's sender, body = its text preview (or "New message" with previews off) or "N new messages",
 * collapse key = the conversation, data = what the app needs to open the conversation and sync.
 */
final class NotificationComposer {

    static final String COLLAPSE_PREFIX = "c";

    private final boolean preview;
    private final int previewLength;

    NotificationComposer(boolean preview, int previewLength) {
        this.preview = preview;
        this.previewLength = previewLength;
    }

    /**
     * @param device     the device to notify
     * @param messages   the messages this device has not been notified of (at least one)
     * @param senderName display name of the latest message's sender
     */
    PushMessage compose(Device device, List<StoredMessage> messages, String senderName) {
        StoredMessage latest = messages.stream().max(Comparator.comparingLong(StoredMessage::seq)).orElseThrow();
        int count = messages.size();
        String body = count > 1 ? count + " new messages" : preview ? preview(latest.text()) : "New message";
        Map<String, String> data = Map.of(
                "conversationId", Long.toString(latest.conversationId()),
                "messageId", Long.toString(latest.messageId()),
                "seq", Long.toString(latest.seq()),
                "count", Integer.toString(count));
        return new PushMessage(device.token(), senderName, body, data, collapseKey(latest.conversationId()));
    }

    /**
     * One key per conversation. Also an APNs collapse id (at most 64 bytes) and a Web Push Topic
     * (at most 32 characters of the URL-safe base64 alphabet): "c" + a decimal id fits both.
     */
    static String collapseKey(long conversationId) {
        return COLLAPSE_PREFIX + Long.toUnsignedString(conversationId);
    }

    String preview(String text) {
        if (text == null || text.isBlank()) {
            return "New message";
        }
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.codePointCount(0, flat.length()) <= previewLength) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, previewLength - 1)) + "…";
    }
}
