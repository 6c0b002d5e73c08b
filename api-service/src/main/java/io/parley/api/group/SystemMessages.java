package io.parley.api.group;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.events.Topics;
import io.parley.common.web.ApiException;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes group changes as system messages on the message path: {@code parley.messages.submitted},
 * keyed by conversation id like every chat message, so the sequencer gives each change its seq in
 * the conversation's one order and applies it there. Returns only after the broker's ack
 * (acks=all); any failure is a 503 and, as far as the caller can tell, nothing changed.
 */
@Component
class SystemMessages {

    private static final Logger log = LoggerFactory.getLogger(SystemMessages.class);

    private final KafkaTemplate<String, Object> kafka;
    private final IdGenerator ids;
    private final Clock clock;
    private final GroupSettings settings;

    SystemMessages(KafkaTemplate<String, Object> kafka, IdGenerator ids, Clock clock, GroupSettings settings) {
        this.kafka = kafka;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /** Publishes one change under a new message id; returns the id once Kafka has it. */
    long publish(long conversationId, SystemEvent event) {
        return publish(ids.nextId(), conversationId, event);
    }

    /**
     * Publishes one change under the given message id; returns it once Kafka has it. Publishing the
     * same id again (the redo of a request after a crash) is harmless: the sequencer keeps a
     * message's first seq, and applying a change again ends in the same state.
     */
    long publish(long messageId, long conversationId, SystemEvent event) {
        MessageSubmitted message = MessageSubmitted.system(messageId, conversationId, event, clock.millis());
        try {
            kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(conversationId), message)
                    .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return message.messageId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted; retry shortly.");
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("publishing {} of group {} failed: {}", event.event(), conversationId, e.toString());
            throw ApiException.unavailable("The change could not be recorded now; retry shortly.");
        }
    }
}
