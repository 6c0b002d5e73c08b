package io.parley.chat.sequencing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.conversation.Conversations;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.StoredMessage;
import io.parley.common.events.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>The cost is one {@code user_sessions} read per member, never anything proportional to the
 * number of users or nodes in the system.
 */
@Component
class FanOut {

    /** Session lookups in flight at once for one message (bounds the load a large group puts on Cassandra). */
    static final int LOOKUP_WINDOW = 128;

    private final Conversations conversations;
    private final CqlSession session;
    private final KafkaTemplate<String, Object> kafka;
    private final SequencerSettings settings;
    private final PreparedStatement selectSessions;

    FanOut(Conversations conversations, CqlSession session, KafkaTemplate<String, Object> kafka,
           SequencerSettings settings) {
        this.conversations = conversations;
        this.session = session;
        this.kafka = kafka;
        this.settings = settings;
        this.selectSessions = session.prepare("SELECT session_id, node_id FROM user_sessions WHERE user_id = ?");
    }

    /**
     * Publishes the deliveries and notifications of one message and returns once Kafka has
     * acknowledged every one of them (acks=all), so the caller may commit the record's offset.
     *
     * @param originSessionId the sender's session that submitted it (already acked; its node skips it)
     */
    void route(StoredMessage message, String originSessionId) throws InterruptedException, ExecutionException, TimeoutException {
        Map<Long, Set<String>> nodesByMember = locate(recipients(message), originSessionId);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (Route route : plan(message.senderId(), nodesByMember)) {
            String key = Long.toString(route.recipientId());
            if (route.nodeId() == null) {
                sends.add(kafka.send(Topics.NOTIFICATIONS_OFFLINE, key,
                        new OfflineNotificationRequested(route.recipientId(), message)));
            } else {
                sends.add(kafka.send(Topics.nodeDeliveries(route.nodeId()), key,
                        new MessageDelivery(route.recipientId(), originSessionId, message)));
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
     * The nodes holding each member's sessions, without the origin session: a sender whose only
     * session sent the message needs no delivery at all.
     */
    private Map<Long, Set<String>> locate(Set<Long> members, String originSessionId) {
        Map<Long, Set<String>> nodesByMember = new LinkedHashMap<>();
        List<Long> all = new ArrayList<>(members);
        for (int from = 0; from < all.size(); from += LOOKUP_WINDOW) {
            List<Long> window = all.subList(from, Math.min(all.size(), from + LOOKUP_WINDOW));
            List<CompletableFuture<Set<String>>> lookups = new ArrayList<>(window.size());
            for (long member : window) {
                lookups.add(collectNodes(session.executeAsync(selectSessions.bind(member)), originSessionId, new TreeSet<>())
                        .toCompletableFuture());
            }
            for (int i = 0; i < window.size(); i++) {
                nodesByMember.put(window.get(i), lookups.get(i).join());
            }
        }
        return nodesByMember;
    }

    /** Reads every page of one member's sessions (a member rarely has more than one page). */
    private static CompletionStage<Set<String>> collectNodes(CompletionStage<AsyncResultSet> page, String originSessionId,
                                                             Set<String> nodes) {
        return page.thenCompose(rs -> {
            for (Row row : rs.currentPage()) {
                String nodeId = row.getString("node_id");
                if (nodeId != null && !row.getString("session_id").equals(originSessionId)) {
                    nodes.add(nodeId);
                }
            }
            return rs.hasMorePages()
                    ? collectNodes(rs.fetchNextPage(), originSessionId, nodes)
                    : CompletableFuture.completedFuture(nodes);
        });
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
