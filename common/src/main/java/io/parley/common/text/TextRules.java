package io.parley.common.text;

/**
 * The one rule for text that enters Parley, applied at every edge (WebSocket frames, REST bodies):
 *
 * <ul>
 *   <li><b>Every text</b> (message text, client message ids, any string of a frame or request) must be
 *       valid Unicode: no unpaired UTF-16 surrogate. Such a string cannot be encoded as UTF-8, so
 *       Cassandra, Kafka's JSON and every client would fail on it; one acked message of it would
 *       stop its conversation's partition.</li>
 *   <li><b>Names</b> (display names, group names) shown to other users must in addition hold no
 *       C0 or C1 control character (U+0000–U+001F, U+007F–U+009F), no bidirectional embedding,
 *       override or isolate (U+202A–U+202E, U+2066–U+2069), no zero-width character (U+200B–U+200D,
 *       U+2060) and no byte order mark (U+FEFF): they let one name disguise itself as another or
 *       reorder the text around it.</li>
 * </ul>
 *
 * Each check answers why a text is refused (a message fit for a client), or null when it is fine.
 */
public final class TextRules {

    public static final String INVALID_UNICODE = "must be valid Unicode (it holds an unpaired UTF-16 surrogate)";
    public static final String CONTROL_CHARACTER = "must not contain control characters";
    public static final String INVISIBLE_OR_BIDI =
            "must not contain bidirectional controls, zero-width characters or a byte order mark";

    private TextRules() {
    }

    /** True when {@code text} has no unpaired surrogate (null counts as valid: absence is checked elsewhere). */
    public static boolean isValidUnicode(CharSequence text) {
        if (text == null) {
            return true;
        }
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Why {@code text} may not be stored or forwarded, or null. */
    public static String textProblem(CharSequence text) {
        return isValidUnicode(text) ? null : INVALID_UNICODE;
    }

    /** Why {@code name} may not be a display name or group name, or null. */
    public static String nameProblem(CharSequence name) {
        if (name == null) {
            return null;
        }
        if (!isValidUnicode(name)) {
            return INVALID_UNICODE;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return CONTROL_CHARACTER;
            }
            if (isInvisibleOrBidi(c)) {
                return INVISIBLE_OR_BIDI;
            }
        }
        return null;
    }

    /** Bidi embeddings/overrides/isolates, zero-width characters and the BOM (all in the BMP). */
    static boolean isInvisibleOrBidi(char c) {
        return (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069')
                || (c >= '\u200B' && c <= '\u200D')
                || c == '\u2060'
                || c == '\uFEFF';
    }
}
