package io.parley.chat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.testsupport.RealInfrastructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The session lookup of the fan-out on a real Cassandra node: 300 users asked about at once (many
 * requests of {@code user_id IN ?}, several windows of them), with no, one or several sessions on
 * one or two nodes, some asked about twice: each gets exactly its nodes.
 */
@SpringBootTest(classes = MemberSessionsIT.Context.class)
class MemberSessionsIT {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(CassandraAutoConfiguration.class)
    @Import(MemberSessions.class)
    static class Context {
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
    }

    @Autowired
    CqlSession cql;

    @Autowired
    MemberSessions sessions;

    private void session(long user, String node) {
        cql.execute("INSERT INTO user_sessions (user_id, session_id, node_id) VALUES (?, ?, ?) USING TTL 600",
                user, "s-" + ThreadLocalRandom.current().nextLong(), node);
    }

    @Test
    void everyUserGetsExactlyTheNodesOfItsSessions() {
        long base = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        List<Long> asked = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            long user = base + i;
            switch ((int) (i % 4)) {
                case 0 -> { } // offline
                case 1 -> session(user, "node-a");
                case 2 -> { session(user, "node-a"); session(user, "node-b"); }
                default -> { session(user, "node-b"); session(user, "node-b"); }
            }
            asked.add(user);
            if (i % 50 == 0) {
                asked.add(user); // asked about twice
            }
        }

        Map<Long, Set<String>> nodes = sessions.nodesOf(asked);

        assertThat(nodes).hasSize(300);
        assertThat(List.copyOf(nodes.keySet()).get(0)).isEqualTo(base);
        for (long i = 0; i < 300; i++) {
            Set<String> expected = switch ((int) (i % 4)) {
                case 0 -> Set.of();
                case 1 -> Set.of("node-a");
                case 2 -> Set.of("node-a", "node-b");
                default -> Set.of("node-b");
            };
            assertThat(nodes.get(base + i)).as("user %d", i).isEqualTo(expected);
        }
        assertThat(sessions.usersByNode(List.of(base + 1, base + 2, base + 3)))
                .isEqualTo(Map.of("node-a", List.of(base + 1, base + 2), "node-b", List.of(base + 2, base + 3)));
    }
}
