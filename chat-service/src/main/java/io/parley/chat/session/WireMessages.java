package io.parley.chat.session;

import io.parley.common.events.StoredMessage;
import io.parley.common.protocol.ServerFrame;

/** Stored messages as they travel to clients: ids as decimal strings (JavaScript-safe). */
public final class WireMessages {

    private WireMessages() {
    }

    public static ServerFrame.WireMessage of(StoredMessage m) {
        return new ServerFrame.WireMessage(Long.toString(m.messageId()), Long.toString(m.conversationId()), m.seq(),
                Long.toString(m.senderId()), m.clientMessageId(), m.text(), m.sentAt(), m.kind(), system(m.system()));
    }

    /** The structured content of a system message, ids as decimal strings; null for text messages. */
    public static ServerFrame.SystemPayload system(io.parley.common.events.SystemEvent e) {
        if (e == null) {
            return null;
        }
        return new ServerFrame.SystemPayload(e.event(), Long.toString(e.actorId()),
                e.targetIds().stream().map(String::valueOf).toList(), e.name(), e.role());
    }
}
