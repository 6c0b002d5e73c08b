package io.parley.chat.sequencing;

import io.parley.chat.conversation.GroupMembership;
import io.parley.chat.store.MessageStore;
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
 * Consumes {@code parley.messages.sequenced} (read_committed: only what the sequencer committed)
 * in the group {@code parley-storage} (every chat node joins it) and takes each poll through the
 * rest of steps 4 and 5 of docs/design.md: apply group changes, persist, fan out.
 *
 * <p>A poll is handled as a batch: its records are grouped by conversation (seq order kept within
 * each), every conversation is prepared concurrently, the poll's rows are written together (a
 * batch per conversation, then the positions ten to a request), then the whole poll is fanned out
 * with one wait for the broker's acks, and only then may the poll's offset be committed (at most
 * once per {@code storage-commit-interval}). Any failure throws, and the container's error handler
 * retries the same poll until it succeeds; every step is idempotent (a sequenced record's seq and
 * content never change, so writing it again writes the same row, and devices drop a seq they
 * hold), so a retry or a replay after a crash of everything since the last commit changes nothing
 * already done. Persisting before routing is what keeps sync gap-free: by the time any node could
 * deliver a message live, a sync would already find it.
 */
@Component
class StorageListener {

    static final String GROUP = "parley-storage";

    private static final Logger log = LoggerFactory.getLogger(StorageListener.class);

    private final MessageStore store;
    private final FanOut fanOut;
    private final GroupMembership membership;
    private final SequencedMembers members;
    private final SequencerSettings settings;
    private final Executor work;

    StorageListener(MessageStore store, FanOut fanOut, GroupMembership membership, SequencedMembers members,
                    SequencerSettings settings, @Qualifier(SequencerKafkaConfig.WORK_EXECUTOR) Executor work) {
        this.store = store;
        this.fanOut = fanOut;
        this.membership = membership;
        this.members = members;
        this.settings = settings;
        this.work = work;
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.MESSAGES_SEQUENCED,
            containerFactory = SequencerKafkaConfig.CONTAINER_FACTORY, batch = "true")
    void onPoll(List<ConsumerRecord<String, byte[]>> records) throws Exception {
        Map<Long, List<StoredMessage>> byConversation = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            StoredMessage message = SequencedRecords.read(record.value());
            byConversation.computeIfAbsent(message.conversationId(), c -> new ArrayList<>()).add(message);
        }
        List<CompletableFuture<List<FanOut.Routed>>> prepared = new ArrayList<>(byConversation.size());
        byConversation.values().forEach(messages ->
                prepared.add(CompletableFuture.supplyAsync(() -> prepare(messages), work)));
        List<FanOut.Routed> routed = new ArrayList<>(records.size());
        for (CompletableFuture<List<FanOut.Routed>> conversation : prepared) {
            routed.addAll(await(conversation));
        }
        // One call for the whole poll, so that the positions of many conversations share requests
        // (a 1:1 poll holds about one message per conversation: a position request each, before).
        await(store.saveAll(routed.stream().map(FanOut.Routed::message).toList()));
        fanOut.route(routed);
        if (log.isDebugEnabled()) {
            log.debug("Stored and routed {} messages of {} conversations", routed.size(), byConversation.size());
        }
    }

    /**
     * In seq order: applies group changes (a change takes effect at its seq, before anything is
     * stored or routed, so the fan-out of this and every later message sees the new members, and a
     * stored position proves the change is applied; api-service waits for that; applied on replays
     * too, idempotently), and takes each message's recipients as of its seq.
     */
    private List<FanOut.Routed> prepare(List<StoredMessage> messages) {
        List<FanOut.Routed> routed = new ArrayList<>(messages.size());
        for (StoredMessage message : messages) {
            if (message.hasSystemEvent()) {
                membership.apply(message);
                members.changed(message.conversationId());
            }
            routed.add(new FanOut.Routed(message, recipients(message)));
        }
        return routed;
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

    private <T> T await(CompletableFuture<T> stage) throws Exception {
        try {
            return stage.get(settings.fanOutTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
