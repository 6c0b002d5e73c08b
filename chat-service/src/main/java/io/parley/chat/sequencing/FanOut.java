package io.parley.chat.sequencing;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.session.SessionDirectory;
import io.parley.chat.session.SessionRegistry;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Routes persisted messages to where their recipients are (docs/design.md, step 5): for each
 * message, one {@link MessageDelivery} per chat node holding sessions of its recipients, naming
 * those recipients, on that node's topic keyed by conversation (so a node gets a conversation's
 * messages in seq order); and an {@link OfflineNotificationRequested} for every recipient other
 * than the sender that has no session at all, keyed by recipient. The sender is a recipient like
 * the others: all its sessions get the message, the one that sent it included, since that is how
 * the sending device learns the message's seq.
 *
 * <p>The share of this node itself is handed to its sessions in process. A conversation's messages
 * reach a node by one path as long as its partition stays with one storage consumer; when the
 * partition moves, the new owner's in-process deliveries can overtake records the old owner put
 * on this node's topic. A session drops a seq at or below the highest it was sent, so the device
 * sees a gap and syncs (docs/protocol.md): nothing is lost or doubled, the moment costs a sync.
 *
 * <p>Works on a whole poll: each distinct recipient's sessions are looked up once, whatever the
 * number of its messages in the poll, and every record is sent before the one wait for the
 * broker's acks. The lookup is in memory ({@link SessionDirectory}), after one wait
 * for the directory to have read every session registered before the poll was stored; nothing
 * costs in proportion to the number of users or nodes in the system.
 */
@Component
class FanOut {

    private final SessionDirectory directory;
    private final SessionRegistry localSessions;
    private final String localNode;
    private final KafkaTemplate<String, Object> kafka;
    private final SequencerSettings settings;

    FanOut(SessionDirectory directory, SessionRegistry localSessions, ChatSettings chat,
           KafkaTemplate<String, Object> kafka, SequencerSettings settings) {
        this.directory = directory;
        this.localSessions = localSessions;
        this.localNode = chat.nodeId();
        this.kafka = kafka;
        this.settings = settings;
    }

    /** A persisted message and who gets it (its conversation's members as of its seq). */
    record Routed(StoredMessage message, Set<Long> recipients) {
    }

    /**
     * Publishes the deliveries and notifications of the messages (given in seq order within each
     * conversation) and returns once Kafka has acknowledged every one of them (acks=all), so the
     * caller may commit the poll's offsets.
     */
    void route(List<Routed> messages) throws InterruptedException, ExecutionException, TimeoutException {
        if (messages.isEmpty()) {
            return;
        }
        Set<Long> everyone = new LinkedHashSet<>();
        messages.forEach(m -> everyone.addAll(m.recipients()));
        // Stored before this point: every session registered before now must be in the lookup.
        directory.awaitCurrent(settings.fanOutTimeout());
        Map<Long, Set<String>> nodesByUser = directory.nodesOf(everyone);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (Routed routed : messages) {
            StoredMessage message = routed.message();
            Plan plan = plan(message.senderId(), routed.recipients(), nodesByUser);
            String conversationKey = Long.toString(message.conversationId());
            plan.recipientsByNode().forEach((node, recipients) -> {
                if (node.equals(localNode)) {
                    // This node's own sessions: in process, not through its own topic (a record
                    // produced and consumed again by the same JVM). In seq order like the topic,
                    // since a poll holds each conversation's messages in seq order.
                    localSessions.deliverMessage(recipients, message);
                } else {
                    sends.add(kafka.send(Topics.nodeDeliveries(node), conversationKey,
                            new MessageDelivery(recipients, message)));
                }
            });
            for (long offline : plan.offline()) {
                sends.add(kafka.send(Topics.NOTIFICATIONS_OFFLINE, Long.toString(offline),
                        new OfflineNotificationRequested(offline, message)));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .get(settings.fanOutTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * What to publish for one message: per node, the recipients with sessions there; and the
     * recipients without any session except the sender, who wrote the message and needs no push.
     */
    static Plan plan(long senderId, Collection<Long> recipients, Map<Long, Set<String>> nodesByUser) {
        Map<String, List<Long>> byNode = new LinkedHashMap<>();
        List<Long> offline = new ArrayList<>();
        for (long recipient : recipients) {
            Set<String> nodes = nodesByUser.getOrDefault(recipient, Set.of());
            if (nodes.isEmpty()) {
                if (recipient != senderId) {
                    offline.add(recipient);
                }
            } else {
                nodes.forEach(node -> byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(recipient));
            }
        }
        return new Plan(byNode, offline);
    }

    /** The records of one message: a delivery per node naming its recipients, and who gets a push. */
    record Plan(Map<String, List<Long>> recipientsByNode, List<Long> offline) {
    }
}
