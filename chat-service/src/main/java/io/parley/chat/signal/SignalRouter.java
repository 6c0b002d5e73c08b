package io.parley.chat.signal;

import io.parley.chat.session.SessionDirectory;
import io.parley.common.events.ConversationSignal;
import io.parley.common.events.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends a receipt or typing signal to the sessions of some users wherever they are connected:
 * one record per chat node holding any of their sessions, keyed by conversation id so one
 * conversation's signals stay in order. Best effort by design: a lost typing indicator expires
 * anyway, and receipts are durable in Cassandra (a client re-reads them over REST).
 */
@Component
public class SignalRouter {

    private static final Logger log = LoggerFactory.getLogger(SignalRouter.class);

    private final SessionDirectory directory;
    private final KafkaTemplate<String, Object> kafka;

    SignalRouter(SessionDirectory directory, KafkaTemplate<String, Object> kafka) {
        this.directory = directory;
        this.kafka = kafka;
    }

    /** Routes the signal to every session of {@code recipients}; returns once the records are handed to Kafka. */
    public void route(ConversationSignal signal, Collection<Long> recipients) {
        if (recipients.isEmpty()) {
            return;
        }
        Map<String, List<Long>> byNode = directory.usersByNode(recipients);
        String key = Long.toString(signal.conversationId());
        byNode.forEach((node, users) -> kafka
                .send(Topics.nodeSignals(node), key, new ConversationSignal(signal.conversationId(), signal.userId(),
                        signal.kind(), signal.state(), signal.seq(), signal.expiresInMs(), users))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        log.warn("{} of user {} in conversation {} not published to node {}: {}", signal.kind(),
                                signal.userId(), signal.conversationId(), node, error.toString());
                    }
                }));
    }
}
