package io.parley.push.sender;

import java.util.Map;

/**
 * One notification to one device, independent of the provider.
 *
 * @param token       the device's registration token
 * @param title       shown as the notification's title
 * @param body        shown as its text
 * @param data        the data payload the app receives (string values only, as FCM requires)
 * @param collapseKey replaces an earlier notification with the same key (one per conversation), on
 *                    the device and in FCM's store-and-forward queue
 */
public record PushMessage(String token, String title, String body, Map<String, String> data, String collapseKey) {

    public PushMessage {
        data = Map.copyOf(data);
    }
}
