package io.parley.chat.send;

import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.common.text.TextRules;
import java.util.regex.Pattern;

/**
 * Checks a {@code send} frame on its own (no I/O): required fields, lengths, id syntax. The
 * first problem found is reported; the connection stays usable and nothing is stored.
 */
final class SendValidation {

    static final int MAX_CLIENT_ID_LENGTH = 64;

    /** Positive decimal, no sign, no leading zeros, at most 19 digits (overflow is checked after). */
    private static final Pattern DECIMAL_ID = Pattern.compile("[1-9][0-9]{0,18}");

    /** Either a valid send or the error frame to answer with. */
    sealed interface Result {
    }

    /** Exactly one of {@code conversationId} and {@code to} is non-null. */
    record Valid(String clientId, Long conversationId, Long to, String text, boolean resend) implements Result {
    }

    record Invalid(ServerFrame.Error error) implements Result {
    }

    private SendValidation() {
    }

    static Result validate(ClientFrame.Send frame, int maxTextLength) {
        String id = frame.id();
        if (id == null || id.isEmpty()) {
            return invalid(SendErrors.MISSING_FIELD, "id is required (your message id; reuse it when you retry)", null, "id");
        }
        // The id is stored and echoed in every ack: it must be text that can be (never echoed when it is not).
        if (!TextRules.isValidUnicode(id)) {
            return invalid(SendErrors.INVALID_FIELD, "id " + TextRules.INVALID_UNICODE, null, "id");
        }
        if (id.codePointCount(0, id.length()) > MAX_CLIENT_ID_LENGTH) {
            return invalid(SendErrors.INVALID_FIELD, "id must be 1-64 characters", null, "id");
        }
        if (frame.conversationId() == null && frame.to() == null) {
            return invalid(SendErrors.MISSING_FIELD, "one of conversationId or to is required", id, "conversationId");
        }
        if (frame.conversationId() != null && frame.to() != null) {
            return invalid(SendErrors.INVALID_FIELD, "give exactly one of conversationId and to", id, "to");
        }
        Long conversationId = null;
        Long to = null;
        if (frame.conversationId() != null) {
            conversationId = parseId(frame.conversationId());
            if (conversationId == null) {
                return invalid(SendErrors.INVALID_FIELD, "conversationId must be a decimal id string", id, "conversationId");
            }
        } else {
            to = parseId(frame.to());
            if (to == null) {
                return invalid(SendErrors.INVALID_FIELD, "to must be a decimal user id string", id, "to");
            }
        }
        String text = frame.text();
        if (text == null) {
            return invalid(SendErrors.MISSING_FIELD, "text is required", id, "text");
        }
        if (text.isBlank()) {
            return invalid(SendErrors.INVALID_FIELD, "text must not be blank", id, "text");
        }
        // An acked text that cannot be encoded as UTF-8 could never be stored: its partition would stop.
        if (!TextRules.isValidUnicode(text)) {
            return invalid(SendErrors.INVALID_FIELD, "text " + TextRules.INVALID_UNICODE, id, "text");
        }
        // Code points, not UTF-16 units: an emoji counts as one character, as users count them.
        if (text.codePointCount(0, text.length()) > maxTextLength) {
            return invalid(SendErrors.TEXT_TOO_LONG, "text is longer than " + maxTextLength + " characters", id, "text");
        }
        return new Valid(id, conversationId, to, text, frame.isResend());
    }

    /** A positive 64-bit id from its decimal string, or null when it is not one. */
    static Long parseId(String value) {
        if (value == null || !DECIMAL_ID.matcher(value).matches()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    private static Invalid invalid(String code, String message, String ref, String field) {
        return new Invalid(new ServerFrame.Error(code, message, ref, field));
    }
}
