package io.parley.api.inbox;

import io.parley.common.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A position in the conversation list: the sort key of the last conversation of a page (its
 * activity time, then its id). The next page holds what sorts after it. Clients get it as an
 * opaque string so the key can change without breaking them; a version prefix lets a future key
 * refuse old cursors with a 400 instead of misreading them.
 */
record ListCursor(long activityAt, long conversationId) {

    private static final String VERSION = "c1";

    String encode() {
        String plain = VERSION + ":" + activityAt + ":" + conversationId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Parses a cursor from a previous page; anything else is a 400 naming {@code cursor}. */
    static ListCursor decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = plain.split(":", -1);
            if (parts.length == 3 && VERSION.equals(parts[0])) {
                long conversationId = Long.parseLong(parts[2]);
                if (conversationId > 0) {
                    return new ListCursor(Long.parseLong(parts[1]), conversationId);
                }
            }
        } catch (IllegalArgumentException e) { // bad base64 or a bad number (NumberFormatException)
            // fall through to the 400
        }
        throw ApiException.badRequest("cursor", "is not a cursor from a previous page (pass nextCursor as it was given)");
    }
}
