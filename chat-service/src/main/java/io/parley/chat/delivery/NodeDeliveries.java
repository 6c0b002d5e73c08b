package io.parley.chat.delivery;

import io.parley.chat.session.ChatSession;
import io.parley.chat.session.SessionRegistry;
import io.parley.chat.session.WireMessages;
import io.parley.common.events.MessageDelivery;
import io.parley.common.protocol.ServerFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;

/**
 * Live delivery (docs/design.md step 6): one {@link MessageDelivery} from this node's topic names
 * the recipients this node serves, and becomes a {@code message} frame on every local session of
 * each (for the sender, the sending session too: the ack did not carry the seq). The frame is
 * encoded once per record however many sessions get it. Sessions that went away meanwhile are
 * simply skipped: live delivery is best effort, sync is the durable path.
 */
@Component
class NodeDeliveries implements MessageListener<String, MessageDelivery> {

    private final SessionRegistry sessions;

    NodeDeliveries(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public void onMessage(ConsumerRecord<String, MessageDelivery> record) {
        MessageDelivery delivery = record.value();
        if (delivery == null || delivery.message() == null) {
            return;
        }
        ServerFrame frame = null;
        for (long recipient : delivery.recipientIds()) {
            for (ChatSession session : sessions.sessionsOf(recipient)) {
                if (frame == null) {
                    frame = new ServerFrame.Message(WireMessages.of(delivery.message()));
                }
                // Queued on the session's lane: a slow client never holds up this consumer.
                session.deliver(frame);
            }
        }
    }
}
