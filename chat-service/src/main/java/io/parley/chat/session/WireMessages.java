package io.parley.chat.session;

import io.parley.common.events.StoredMessage;
import io.parley.common.protocol.ServerFrame;

/** Stored messages as they travel to clients: ids as decimal strings (JavaScript-safe). */
public final class WireMessages {

    private WireMessages() {
    }

    public static ServerFrame.WireMessage of(StoredMessage m) {
        return new ServerFrame.WireMessage(Long.toString(m.messageId()), Long.toString(m.conversationId()), m.seq(),
                Long.toString(m.senderId()), m.clientMessageId(), m.text(), m.sentAt());
    }
}
