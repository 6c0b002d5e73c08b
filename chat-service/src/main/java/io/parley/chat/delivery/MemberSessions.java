package io.parley.chat.delivery;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * The cost grows with the number of users asked about, never with the number of users or nodes in
 * the system.
 *
 * <p>Users are looked up {@link #USERS_PER_READ} to a request ({@code user_id IN ?}): the reads of
 * the partitions are the same, but a request costs Cassandra and the driver far more than the small
 * partition it reads (a group of 100 used to cost 100 requests per poll). At most
 * {@link #READS_IN_FLIGHT} such requests are in flight for one call.
 */
@Component
public class MemberSessions {

    /** Users per request: enough to amortise a request, few enough for any coordinator. */
    static final int USERS_PER_READ = 32;
    /** Requests in flight at once for one call (bounds the load a large group puts on Cassandra). */
    static final int READS_IN_FLIGHT = 8;

    private final CqlSession session;
    private final PreparedStatement selectSessions;

    MemberSessions(CqlSession session) {
        this.session = session;
        this.selectSessions = session.prepare("SELECT user_id, node_id FROM user_sessions WHERE user_id IN ?");
    }

    /** For each user (in the given order), the nodes holding their sessions; empty when they have none. */
    public Map<Long, Set<String>> nodesOf(Collection<Long> users) {
        Map<Long, Set<String>> nodesByUser = new LinkedHashMap<>();
        List<Long> all = new ArrayList<>(new LinkedHashSet<>(users));
        all.forEach(user -> nodesByUser.put(user, new TreeSet<>()));
        List<List<Long>> reads = new ArrayList<>();
        for (int from = 0; from < all.size(); from += USERS_PER_READ) {
            reads.add(all.subList(from, Math.min(all.size(), from + USERS_PER_READ)));
        }
        for (int from = 0; from < reads.size(); from += READS_IN_FLIGHT) {
            List<CompletableFuture<Void>> window = new ArrayList<>();
            for (List<Long> read : reads.subList(from, Math.min(reads.size(), from + READS_IN_FLIGHT))) {
                window.add(collectNodes(session.executeAsync(selectSessions.bind(read)), nodesByUser)
                        .toCompletableFuture());
            }
            window.forEach(CompletableFuture::join);
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

    /** Reads every page of one request's rows into the users' node sets (each set is one request's alone). */
    private static CompletionStage<Void> collectNodes(CompletionStage<AsyncResultSet> page,
                                                      Map<Long, Set<String>> nodesByUser) {
        return page.thenCompose(rs -> {
            for (Row row : rs.currentPage()) {
                String nodeId = row.getString("node_id");
                Set<String> nodes = nodesByUser.get(row.getLong("user_id"));
                if (nodeId != null && nodes != null) {
                    nodes.add(nodeId);
                }
            }
            return rs.hasMorePages()
                    ? collectNodes(rs.fetchNextPage(), nodesByUser)
                    : CompletableFuture.completedFuture(null);
        });
    }
}
