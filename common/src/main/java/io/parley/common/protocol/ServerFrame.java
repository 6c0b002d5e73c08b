package io.parley.common.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** Frames the server sends over the WebSocket (protocol v1, see docs/protocol.md). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ServerFrame.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = ServerFrame.Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = ServerFrame.Message.class, name = "message"),
        @JsonSubTypes.Type(value = ServerFrame.SyncResult.class, name = "sync_result"),
        @JsonSubTypes.Type(value = ServerFrame.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ServerFrame.Error.class, name = "error"),
        @JsonSubTypes.Type(value = ServerFrame.Reconnect.class, name = "reconnect"),
        @JsonSubTypes.Type(value = ServerFrame.Presence.class, name = "presence"),
        @JsonSubTypes.Type(value = ServerFrame.PresenceSettingsResult.class, name = "presence_settings"),
        @JsonSubTypes.Type(value = ServerFrame.Receipt.class, name = "receipt"),
        @JsonSubTypes.Type(value = ServerFrame.Typing.class, name = "typing"),
        @JsonSubTypes.Type(value = ServerFrame.TokenExpiring.class, name = "token_expiring")
})
public sealed interface ServerFrame {

    /**
     * First frame of every session: who you are and the limits this server enforces.
     * {@code receiptsShared} false means this deployment never shows a member's receipts to others
     * (your own devices still get yours); {@code typingIntervalSeconds} is how often to repeat
     * {@code typing start} while the user types.
     */
    record Welcome(int protocolVersion, String sessionId, String userId, String node,
                   int maxFrameBytes, int maxTextLength, int heartbeatIntervalSeconds,
                   boolean receiptsShared, int typingIntervalSeconds)
            implements ServerFrame {
    }

    /** The message with client id {@code id} is durably accepted; a retry gets the same ack. */
    record Ack(String id, String messageId, String conversationId, long sentAt) implements ServerFrame {
    }

    /** A sequenced message, live. */
    record Message(WireMessage message) implements ServerFrame {
    }

    /** Answer to a sync: messages ascending by (conversation, seq); {@code more} means ask again. */
    record SyncResult(List<WireMessage> messages, boolean more) implements ServerFrame {
    }

    record Pong() implements ServerFrame {
    }

    /**
     * Something the client sent was refused; nothing was stored or delivered. {@code ref} is the
     * client id of the refused frame when it had one; {@code field} names the offending field.
     * {@code retryAfterMs} (optional, added in v1 without breaking older clients, which ignore it):
     * how long to wait before resending, when a rate limit refused the frame.
     */
    record Error(String code, String message, String ref, String field, Long retryAfterMs) implements ServerFrame {

        /** An error without a retry delay (every code but a rate limit's {@code too_many_requests}). */
        public Error(String code, String message, String ref, String field) {
            this(code, message, ref, field, null);
        }
    }

    /**
     * The access token this session was opened with expires at {@code expiresAt} (epoch
     * milliseconds); the session is closed then (4001). Get a fresh token (refresh), reconnect with
     * it, and resume by sync.
     */
    record TokenExpiring(long expiresAt) implements ServerFrame {
    }

    /** The node is going away (draining); ask discovery for another node and resume by sync. */
    record Reconnect(String reason) implements ServerFrame {
    }

    /**
     * A message on the wire; ids as decimal strings. {@code kind} is {@code text} or {@code system};
     * a system message (a group change) has {@code system} and no {@code text}.
     */
    record WireMessage(String messageId, String conversationId, long seq, String senderId,
                       String clientMessageId, String text, long sentAt, String kind,
                       @JsonInclude(JsonInclude.Include.NON_NULL) SystemPayload system) {

        public WireMessage {
            kind = kind == null ? "text" : kind;
        }

        /** A text message. */
        public WireMessage(String messageId, String conversationId, long seq, String senderId,
                           String clientMessageId, String text, long sentAt) {
            this(messageId, conversationId, seq, senderId, clientMessageId, text, sentAt, "text", null);
        }
    }

    /**
     * What a system message says happened: {@code event} (group_created, member_added, member_removed,
     * member_left, group_renamed, role_changed, ownership_transferred), by {@code actorId}, to
     * {@code targetIds}; {@code name} for create/rename, {@code role} for role_changed.
     */
    record SystemPayload(String event, String actorId, List<String> targetIds,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String name,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String role) {
    }

    /**
     * Presence of some users: the answer to {@code presence_query} or {@code presence_subscribe}
     * ({@code ref} = the request's id), or pushed changes (no {@code ref}). Later frames supersede
     * earlier ones for the same user.
     */
    record Presence(String ref, List<UserPresence> users) implements ServerFrame {
    }

    /**
     * One user's presence as the receiving user may see it. {@code status} is {@code online},
     * {@code offline} or {@code unknown} (not someone you share a conversation with);
     * {@code lastSeen} (epoch ms) only for offline users who do not hide their presence.
     */
    record UserPresence(String userId, String status, Long lastSeen) {
    }

    /**
     * The presence settings now in force for this user (answer to {@code presence_settings}):
     * {@code visibility}, and {@code hidden} (true exactly when it is {@code nobody}) for clients
     * that only know the older boolean.
     */
    record PresenceSettingsResult(String ref, String visibility, boolean hidden) implements ServerFrame {
    }

    /**
     * A member's watermark moved: {@code userId} has received ({@code delivered}) or read
     * ({@code read}) {@code conversationId} up to and including {@code seq}. Sent to the member's own
     * sessions (a read on one device clears the unread count on the others) and, when receipts are
     * shared, to the other members' sessions.
     */
    record Receipt(String conversationId, String userId, String status, long seq) implements ServerFrame {
    }

    /**
     * {@code userId} is typing ({@code start}) or stopped ({@code stop}) in {@code conversationId}.
     * A {@code start} holds for {@code expiresInMs}; without a newer {@code start} the client hides it then.
     */
    record Typing(String conversationId, String userId, String state, long expiresInMs) implements ServerFrame {
    }
}
