package io.parley.chat.sequencing;

import io.parley.chat.conversation.GroupMembership;
import io.parley.chat.store.MessageStore;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code parley.messages.submitted} in the group {@code parley-sequencer} (every chat node
 * joins it; Kafka gives each conversation's partition to one of them) and takes each message
 * through steps 4 and 5 of docs/design.md: sequence, persist, fan out.
 *
 * <p>The offset is committed only after this method returns (AckMode.RECORD), i.e. after the rows
 * are written and every delivery is acknowledged by Kafka. Any failure throws, and the container's
 * error handler retries the same record until it succeeds; every step is idempotent by message id,
 * so a retry, a replay after a crash or a re-published message changes nothing already done.
 * Persisting before routing is what keeps sync gap-free: by the time any node could deliver the
 * message live, a sync would already find it.
 */
@Component
class SequencerListener {

    static final String GROUP = "parley-sequencer";

    private static final Logger log = LoggerFactory.getLogger(SequencerListener.class);

    private final Sequencer sequencer;
    private final MessageStore store;
    private final FanOut fanOut;
    private final GroupMembership membership;

    SequencerListener(Sequencer sequencer, MessageStore store, FanOut fanOut, GroupMembership membership) {
        this.sequencer = sequencer;
        this.store = store;
        this.fanOut = fanOut;
        this.membership = membership;
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.MESSAGES_SUBMITTED,
            containerFactory = SequencerKafkaConfig.CONTAINER_FACTORY)
    void onSubmitted(ConsumerRecord<String, MessageSubmitted> record) throws Exception {
        MessageSubmitted submitted = record.value();
        if (submitted == null) {
            // Nobody publishes tombstones on this topic; there is no message to sequence.
            log.warn("Ignoring an empty record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return;
        }
        Sequencer.Placement placement = sequencer.place(submitted);
        // A group change (system message) takes effect at its seq: applied once the seq is claimed
        // and before the message is stored or routed, so the fan-out of this and every later
        // message sees the new members, and a stored position proves the change is applied
        // (api-service waits for that). Applied on replays too (idempotent).
        membership.apply(fromSubmitted(submitted, placement.seq()));
        StoredMessage message = placement.persisted()
                ? stored(submitted, placement.seq())
                : persist(submitted, placement.seq());
        fanOut.route(message);
        log.debug("Sequenced message {} as {}/{}", message.messageId(), message.conversationId(), message.seq());
    }

    private StoredMessage persist(MessageSubmitted submitted, long seq) {
        StoredMessage message = fromSubmitted(submitted, seq);
        store.save(message).join();
        return message;
    }

    private static StoredMessage fromSubmitted(MessageSubmitted submitted, long seq) {
        return new StoredMessage(submitted.messageId(), submitted.conversationId(), seq,
                submitted.senderId(), submitted.clientMessageId(), submitted.text(), submitted.sentAt(),
                submitted.kind(), submitted.system());
    }

    /**
     * A replayed or re-published message is routed as it was first stored, so that what devices
     * get live is what sync returns, even if a retrying client changed its text.
     */
    private StoredMessage stored(MessageSubmitted submitted, long seq) {
        return store.read(submitted.conversationId(), seq)
                // A position without its message row cannot come from this code (the message row is
                // written first); if one shows up anyway, write the row rather than lose the message.
                .orElseGet(() -> persist(submitted, seq));
    }
}
