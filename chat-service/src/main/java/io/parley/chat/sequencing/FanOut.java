package io.parley.chat.sequencing;

import io.parley.chat.conversation.Conversations;
import io.parley.chat.delivery.MemberSessions;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import java.util.ArrayList;
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
 * Routes a persisted message to where its recipients are (docs/design.md, step 5): one
 * {@link MessageDelivery} per (member, node holding a session of that member) on that node's topic,
 * and an {@link OfflineNotificationRequested} for every member other than the sender that has no
 * session at all. Both are keyed by recipient, so each recipient's records stay in order.
 * The sender is a member like the others: all its sessions get the message, the one that sent it
 * included, since that is how the sending device learns the message's seq.
 *
 * <p>The cost is one {@code user_sessions} read per member, never anything proportional to the
 * number of users or nodes in the system.
 */
@Component
class FanOut {

    private final Conversations conversations;
    private final MemberSessions memberSessions;
    private final KafkaTemplate<String, Object> kafka;
    private final SequencerSettings settings;

    FanOut(Conversations conversations, MemberSessions memberSessions, KafkaTemplate<String, Object> kafka,
           SequencerSettings settings) {
        this.conversations = conversations;
        this.memberSessions = memberSessions;
        this.kafka = kafka;
        this.settings = settings;
    }

    /**
     * Publishes the deliveries and notifications of one message and returns once Kafka has
     * acknowledged every one of them (acks=all), so the caller may commit the record's offset.
     */
    void route(StoredMessage message) throws InterruptedException, ExecutionException, TimeoutException {
        Map<Long, Set<String>> nodesByMember = memberSessions.nodesOf(recipients(message));
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (Route route : plan(message.senderId(), nodesByMember)) {
            String key = Long.toString(route.recipientId());
            if (route.nodeId() == null) {
                sends.add(kafka.send(Topics.NOTIFICATIONS_OFFLINE, key,
                        new OfflineNotificationRequested(route.recipientId(), message)));
            } else {
                sends.add(kafka.send(Topics.nodeDeliveries(route.nodeId()), key,
                        new MessageDelivery(route.recipientId(), message)));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .get(settings.fanOutTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Who gets this message: the members as of its seq. Read uncached, after the sequencer applied
     * every change of earlier seqs (and this one's), so a removed member gets nothing after its
     * removal. The users a removal removes still get the removal itself, so their devices learn of it.
     */
    private Set<Long> recipients(StoredMessage message) {
        Set<Long> members = conversations.currentMembers(message.conversationId());
        if (message.hasSystemEvent() && message.system().removesMembers()) {
            Set<Long> withRemoved = new LinkedHashSet<>(members);
            withRemoved.addAll(message.system().targetIds());
            return withRemoved;
        }
        return members;
    }

    /**
     * What to publish: a delivery per (member, node), and a notification (node {@code null}) for
     * every member without sessions except the sender, who wrote the message and needs no push.
     */
    static List<Route> plan(long senderId, Map<Long, Set<String>> nodesByMember) {
        List<Route> routes = new ArrayList<>();
        nodesByMember.forEach((member, nodes) -> {
            if (nodes.isEmpty()) {
                if (member != senderId) {
                    routes.add(new Route(member, null));
                }
            } else {
                nodes.forEach(node -> routes.add(new Route(member, node)));
            }
        });
        return routes;
    }

    /** One record to publish: a delivery to {@code nodeId}, or an offline notification when it is null. */
    record Route(long recipientId, String nodeId) {
    }
}
