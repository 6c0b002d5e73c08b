package io.parley.common.events;

/**
 * What a message is: {@code text} (written by a user) or {@code system} (a membership or group
 * change, written by the server, e.g. "Alice added Bob"). Records and frames from before kinds
 * existed have none; readers treat an absent kind as {@code text}.
 */
public final class MessageKind {

    public static final String TEXT = "text";
    public static final String SYSTEM = "system";

    private MessageKind() {
    }

    /** The kind to use for a value read from JSON or a row: absent means text. */
    public static String orText(String kind) {
        return kind == null ? TEXT : kind;
    }
}
