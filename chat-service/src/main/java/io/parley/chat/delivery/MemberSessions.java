package io.parley.chat.delivery;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Component;

/**
 * Where users' sessions are: the chat nodes holding a live session of each user, from
 * {@code user_sessions}. Used for everything routed per recipient (messages, receipts, typing).
 * The cost is one partition read per user asked about, never anything proportional to the number
 * of users or nodes in the system.
 */
@Component
public class MemberSessions {

    /** Session lookups in flight at once for one call (bounds the load a large group puts on Cassandra). */
    static final int LOOKUP_WINDOW = 128;

    private final CqlSession session;
    private final PreparedStatement selectSessions;

    MemberSessions(CqlSession session) {
        this.session = session;
        this.selectSessions = session.prepare("SELECT node_id FROM user_sessions WHERE user_id = ?");
    }

    /** For each user (in the given order), the nodes holding their sessions; empty when they have none. */
    public Map<Long, Set<String>> nodesOf(Collection<Long> users) {
        Map<Long, Set<String>> nodesByUser = new LinkedHashMap<>();
        List<Long> all = new ArrayList<>(users);
        for (int from = 0; from < all.size(); from += LOOKUP_WINDOW) {
            List<Long> window = all.subList(from, Math.min(all.size(), from + LOOKUP_WINDOW));
            List<CompletableFuture<Set<String>>> lookups = new ArrayList<>(window.size());
            for (long user : window) {
                lookups.add(collectNodes(session.executeAsync(selectSessions.bind(user)), new TreeSet<>())
                        .toCompletableFuture());
            }
            for (int i = 0; i < window.size(); i++) {
                nodesByUser.put(window.get(i), lookups.get(i).join());
            }
        }
        return nodesByUser;
    }

    /** The users with a session on each node: what one record per node must name. */
    public Map<String, List<Long>> usersByNode(Collection<Long> users) {
        Map<String, List<Long>> byNode = new LinkedHashMap<>();
        nodesOf(users).forEach((user, nodes) ->
                nodes.forEach(node -> byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(user)));
        return byNode;
    }

    /** Reads every page of one user's sessions (a user rarely has more than one page). */
    private static CompletionStage<Set<String>> collectNodes(CompletionStage<AsyncResultSet> page, Set<String> nodes) {
        return page.thenCompose(rs -> {
            for (Row row : rs.currentPage()) {
                String nodeId = row.getString("node_id");
                if (nodeId != null) {
                    nodes.add(nodeId);
                }
            }
            return rs.hasMorePages()
                    ? collectNodes(rs.fetchNextPage(), nodes)
                    : CompletableFuture.completedFuture(nodes);
        });
    }
}
