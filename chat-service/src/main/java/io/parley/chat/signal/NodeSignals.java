package io.parley.chat.signal;

import io.parley.chat.session.ChatSession;
import io.parley.chat.session.SessionRegistry;
import io.parley.common.events.ConversationSignal;
import io.parley.common.protocol.ServerFrame;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;

/** Turns the signals on this node's topic into {@code receipt} and {@code typing} frames on local sessions. */
@Component
class NodeSignals implements MessageListener<String, ConversationSignal> {

    private static final Logger log = LoggerFactory.getLogger(NodeSignals.class);

    private final SessionRegistry sessions;

    NodeSignals(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public void onMessage(ConsumerRecord<String, ConversationSignal> record) {
        ConversationSignal signal = record.value();
        if (signal == null || signal.recipients() == null) {
            return;
        }
        ServerFrame frame = toFrame(signal);
        if (frame == null) {
            log.debug("ignoring a signal of unknown kind {}", signal.kind());
            return;
        }
        for (long recipient : signal.recipients()) {
            for (ChatSession session : sessions.sessionsOf(recipient)) {
                session.deliver(frame);
            }
        }
    }

    static ServerFrame toFrame(ConversationSignal signal) {
        String conversation = Long.toString(signal.conversationId());
        String user = Long.toString(signal.userId());
        return switch (signal.kind()) {
            case ConversationSignal.RECEIPT -> new ServerFrame.Receipt(conversation, user, signal.state(), signal.seq());
            case ConversationSignal.TYPING -> new ServerFrame.Typing(conversation, user, signal.state(), signal.expiresInMs());
            default -> null;
        };
    }
}
