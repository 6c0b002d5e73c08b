package io.parley.chat.sequencing;

import io.parley.chat.conversation.GroupMembership;
import io.parley.chat.store.MessageStore;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code parley.messages.submitted} in the group {@code parley-sequencer} (every chat node
 * joins it; Kafka gives each conversation's partition to one of them) and takes each poll through
 * steps 4 and 5 of docs/design.md: sequence, persist, fan out.
 *
 * <p>A poll is handled as a batch: its records are grouped by conversation (Kafka order kept
 * within each), every conversation is sequenced and persisted concurrently (one claim round per
 * conversation, the rows written together), then the whole poll is fanned out with one wait for
 * the broker's acks, and only then is the poll's offset committed (AckMode.BATCH). Any failure
 * throws, and the container's error handler retries the same poll until it succeeds; every step is
 * idempotent by message id, so a retry, a replay after a crash or a re-published message changes
 * nothing already done. Persisting before routing is what keeps sync gap-free: by the time any
 * node could deliver a message live, a sync would already find it.
 *
 * <p>A record that can never be sequenced ({@link SequencerInput}) is set aside on the dead-letter
 * topic before anything is claimed for it, so it neither blocks its partition nor leaves a hole.
 */
@Component
class SequencerListener {

    static final String GROUP = "parley-sequencer";

    private static final Logger log = LoggerFactory.getLogger(SequencerListener.class);

    private final Sequencer sequencer;
    private final MessageStore store;
    private final FanOut fanOut;
    private final GroupMembership membership;
    private final SequencedMembers members;
    private final DeadLetters deadLetters;
    private final SequencerSettings settings;
    private final Executor work;

    SequencerListener(Sequencer sequencer, MessageStore store, FanOut fanOut, GroupMembership membership,
                      SequencedMembers members, DeadLetters deadLetters, SequencerSettings settings,
                      @Qualifier(SequencerKafkaConfig.WORK_EXECUTOR) Executor work) {
        this.sequencer = sequencer;
        this.store = store;
        this.fanOut = fanOut;
        this.membership = membership;
        this.members = members;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.work = work;
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.MESSAGES_SUBMITTED,
            containerFactory = SequencerKafkaConfig.CONTAINER_FACTORY, batch = "true")
    void onPoll(List<ConsumerRecord<String, byte[]>> records) throws Exception {
        Map<Long, Map<Long, MessageSubmitted>> byConversation = new LinkedHashMap<>();
        List<CompletableFuture<?>> setAside = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            SequencerInput.Read read = SequencerInput.read(record.value());
            if (read instanceof SequencerInput.Poison poison) {
                setAside.add(deadLetters.setAside(record, poison.reason()));
            } else if (read instanceof SequencerInput.Readable readable) {
                MessageSubmitted message = readable.message();
                // A re-published message (client retry) can occur twice in one poll: one place.
                byConversation.computeIfAbsent(message.conversationId(), c -> new LinkedHashMap<>())
                        .putIfAbsent(message.messageId(), message);
            }
        }
        List<CompletableFuture<List<FanOut.Routed>>> sequenced = new ArrayList<>(byConversation.size());
        byConversation.forEach((conversationId, messages) ->
                sequenced.add(sequence(conversationId, List.copyOf(messages.values()))));
        List<FanOut.Routed> routed = new ArrayList<>();
        for (CompletableFuture<List<FanOut.Routed>> conversation : sequenced) {
            routed.addAll(await(conversation));
        }
        fanOut.route(routed);
        for (CompletableFuture<?> deadLetter : setAside) {
            await(deadLetter);
        }
        if (log.isDebugEnabled()) {
            log.debug("Sequenced {} messages of {} conversations from a poll of {} records",
                    routed.size(), byConversation.size(), records.size());
        }
    }

    /**
     * Places, applies, persists one conversation's messages of this poll; completes with what to
     * route (each message with its recipients as of its seq).
     */
    private CompletableFuture<List<FanOut.Routed>> sequence(long conversationId, List<MessageSubmitted> messages) {
        return sequencer.placeAll(conversationId, messages)
                .thenApplyAsync(placements -> prepare(messages, placements), work)
                .thenCompose(prepared -> store.saveAll(prepared.toPersist()).thenApply(saved -> prepared.routed()));
    }

    private record Prepared(List<StoredMessage> toPersist, List<FanOut.Routed> routed) {
    }

    /**
     * In seq order: applies group changes (a change takes effect at its seq, before anything is
     * stored or routed, so the fan-out of this and every later message sees the new members, and a
     * stored position proves the change is applied; api-service waits for that; applied on replays
     * too, idempotently), and takes each message's recipients as of its seq.
     */
    private Prepared prepare(List<MessageSubmitted> messages, List<Sequencer.Placement> placements) {
        List<StoredMessage> toPersist = new ArrayList<>();
        List<FanOut.Routed> routed = new ArrayList<>(messages.size());
        List<Integer> inSeqOrder = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            inSeqOrder.add(i);
        }
        inSeqOrder.sort((a, b) -> Long.compare(placements.get(a).seq(), placements.get(b).seq()));
        for (int i : inSeqOrder) {
            MessageSubmitted submitted = messages.get(i);
            Sequencer.Placement placement = placements.get(i);
            StoredMessage message = fromSubmitted(submitted, placement.seq());
            if (message.hasSystemEvent()) {
                membership.apply(message);
                members.changed(message.conversationId());
            }
            if (placement.persisted()) {
                message = stored(submitted, placement.seq(), toPersist);
            } else {
                toPersist.add(message);
            }
            routed.add(new FanOut.Routed(message, recipients(message)));
        }
        return new Prepared(toPersist, routed);
    }

    /**
     * Who gets this message: the members as of its seq. The users a removal removes still get the
     * removal itself, so their devices learn of it.
     */
    private Set<Long> recipients(StoredMessage message) {
        Set<Long> current = members.of(message.conversationId());
        if (message.hasSystemEvent() && message.system().removesMembers()) {
            Set<Long> withRemoved = new LinkedHashSet<>(current);
            withRemoved.addAll(message.system().targetIds());
            return withRemoved;
        }
        return current;
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
    private StoredMessage stored(MessageSubmitted submitted, long seq, List<StoredMessage> toPersist) {
        return store.read(submitted.conversationId(), seq).orElseGet(() -> {
            // A position without its message row cannot come from this code (the message row is
            // written first); if one shows up anyway, write the row rather than lose the message.
            StoredMessage message = fromSubmitted(submitted, seq);
            toPersist.add(message);
            return message;
        });
    }

    private <T> T await(CompletableFuture<T> stage) throws Exception {
        try {
            return stage.get(settings.fanOutTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
