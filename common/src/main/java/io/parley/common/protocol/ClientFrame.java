package io.parley.common.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * Frames a client sends over the WebSocket (protocol v1, see docs/protocol.md). Ids travel as
 * decimal strings because a JavaScript number cannot hold 64 bits.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
        @JsonSubTypes.Type(value = ClientFrame.Sync.class, name = "sync"),
        @JsonSubTypes.Type(value = ClientFrame.Ping.class, name = "ping")
})
public sealed interface ClientFrame {

    /**
     * Send a text message. {@code id} is the client's message id (unique per sender; a retry
     * reuses it). Exactly one of {@code conversationId} and {@code to} (a user id, for a 1:1
     * conversation that may not exist yet) is given.
     */
    record Send(String id, String conversationId, String to, String text) implements ClientFrame {
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
}
