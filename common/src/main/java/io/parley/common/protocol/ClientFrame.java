package io.parley.common.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Frames a client sends over the WebSocket (protocol v1, see docs/protocol.md). Ids travel as
 * decimal strings because a JavaScript number cannot hold 64 bits.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
        @JsonSubTypes.Type(value = ClientFrame.Sync.class, name = "sync"),
        @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ClientFrame.PresenceSubscribe.class, name = "presence_subscribe"),
        @JsonSubTypes.Type(value = ClientFrame.PresenceQuery.class, name = "presence_query"),
        @JsonSubTypes.Type(value = ClientFrame.PresenceSettings.class, name = "presence_settings"),
        @JsonSubTypes.Type(value = ClientFrame.Receipt.class, name = "receipt"),
        @JsonSubTypes.Type(value = ClientFrame.Typing.class, name = "typing")
})
public sealed interface ClientFrame {

    /**
     * Send a text message. {@code id} is the client's message id (unique per sender; a retry
     * reuses it). Exactly one of {@code conversationId} and {@code to} (a user id, for a 1:1
     * conversation that may not exist yet) is given. {@code resend} is true when the client sends
     * an id it has sent before (after a lost connection or a retryable error): only then does the
     * server look up what the id was first accepted as, so a first attempt costs no read.
     */
    record Send(String id, String conversationId, String to, String text, Boolean resend) implements ClientFrame {

        /** A first attempt. */
        public Send(String id, String conversationId, String to, String text) {
            this(id, conversationId, to, text, null);
        }

        public boolean isResend() {
            return Boolean.TRUE.equals(resend);
        }
    }

    /**
     * Ask for what this device missed. {@code cursors} maps conversation id to the highest seq the
     * device holds there; conversations it does not list are read from the start.
     */
    record Sync(Map<String, String> cursors, Integer limit) implements ClientFrame {
    }

    /** Heartbeat; answered by {@link ServerFrame.Pong}. */
    record Ping() implements ClientFrame {
    }

    /**
     * Start (or, with {@code enabled = false}, stop) receiving pushed {@code presence} frames about
     * this user's contacts: the members of their conversations of at most the push limit of members.
     * Answered by a {@code presence} snapshot of those contacts (with {@code ref} = {@code id}).
     */
    record PresenceSubscribe(String id, Boolean enabled) implements ClientFrame {
    }

    /**
     * Ask for the presence of specific users (the members a client shows, e.g. of a large group).
     * Users who share no conversation with the asker are answered as {@code unknown}.
     */
    record PresenceQuery(String id, List<String> userIds) implements ClientFrame {
    }

    /**
     * Who may see this user's presence: {@code visibility} is {@code contacts} (the default: users
     * this user has sent a 1:1 message to), {@code conversations} or {@code nobody}. {@code hidden}
     * is the older form, kept for existing clients: {@code true} = {@code nobody}, {@code false} =
     * {@code contacts}. Viewers not allowed see the user offline, with no last-seen time.
     */
    record PresenceSettings(String id, Boolean hidden, String visibility) implements ClientFrame {
    }

    /**
     * "This user has received ({@code status = delivered}) or read ({@code status = read}) the
     * conversation up to and including {@code seq}." Watermarks only move up: a receipt at or below
     * the user's current mark changes nothing. Read implies delivered.
     */
    record Receipt(String id, String conversationId, String status, Long seq) implements ClientFrame {
    }

    /**
     * The user is typing ({@code state = start}, repeated while they type) or stopped ({@code stop})
     * in a conversation. Never stored; the server forwards at most one {@code start} per throttle
     * interval per session and conversation.
     */
    record Typing(String conversationId, String state) implements ClientFrame {
    }
}
