package io.parley.chat.delivery;

import io.parley.chat.session.SessionRegistry;
import io.parley.common.events.MessageDelivery;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;

/**
 * Live delivery (docs/design.md step 6): one {@link MessageDelivery} from this node's topic names
 * the recipients this node serves, and becomes a {@code message} frame on every local session of
 * each (for the sender, the sending session too: the ack did not carry the seq). The fan-out of
 * this node hands its own node's share to the sessions in process instead ({@code FanOut}), so
 * what comes here was stored by other nodes.
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
        sessions.deliverMessage(delivery.recipientIds(), delivery.message());
    }
}
