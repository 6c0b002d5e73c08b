package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The session directory on a real broker: two directories play two chat nodes (each one reads
 * what both publish), and records written by hand play a node that died without a word.
 */
@SpringBootTest(classes = SessionDirectoryIT.Context.class)
class SessionDirectoryIT {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(KafkaAutoConfiguration.class)
    @Import(SessionDirectoryTopic.class)
    static class Context {

        @Bean
        ChatSettings chatSettings() {
            return settings("it-directory");
        }
    }

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
    }

    @Autowired
    KafkaTemplate<String, Object> kafka;

    @Autowired
    KafkaProperties kafkaProperties;

    private SessionDirectory nodeA;
    private SessionDirectory nodeB;

    @BeforeEach
    void startTwoNodes() {
        nodeA = directory("it-dir-a");
        nodeB = directory("it-dir-b");
    }

    @AfterEach
    void stopThem() {
        nodeA.stop();
        nodeB.stop();
    }

    @Test
    void aSessionRegisteredOnOneNodeIsSeenByTheOtherAsSoonAsItIsCurrent() throws Exception {
        // The gap-free rule: once register() returned (the client may sync from then on), a fan-out
        // on any node that calls awaitCurrent() afterwards finds the session. No sleeping here.
        for (int i = 0; i < 50; i++) {
            long user = randomId();
            nodeA.register(user, "s-" + randomId());
            nodeB.awaitCurrent(WAIT);
            assertThat(nodeB.nodesOf(List.of(user))).containsEntry(user, Set.of("it-dir-a"));
        }
    }

    @Test
    void everyUserGetsExactlyTheNodesOfItsLiveSessions() throws Exception {
        long base = randomId() / 2;
        List<Long> asked = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (long i = 0; i < 300; i++) {
            long user = base + i;
            switch ((int) (i % 5)) {
                case 0 -> { } // never connected
                case 1 -> nodeA.register(user, "a-" + user);
                case 2 -> {
                    nodeA.register(user, "a-" + user);
                    nodeA.register(user, "a2-" + user);
                    nodeB.register(user, "b-" + user);
                }
                case 3 -> nodeB.register(user, "b-" + user);
                default -> {
                    nodeA.register(user, "a-" + user);
                    closed.add("a-" + user);
                }
            }
            asked.add(user);
        }
        asked.add(base + 7); // asked twice: answered once
        for (String session : closed) {
            nodeA.unregister(session).get();
        }
        nodeA.awaitCurrent(WAIT);
        Map<Long, Set<String>> nodes = nodeA.nodesOf(asked);
        assertThat(nodes).hasSize(300);
        for (long i = 0; i < 300; i++) {
            Set<String> expected = switch ((int) (i % 5)) {
                case 1 -> Set.of("it-dir-a");
                case 2 -> Set.of("it-dir-a", "it-dir-b");
                case 3 -> Set.of("it-dir-b");
                default -> Set.of();
            };
            assertThat(nodes.get(base + i)).as("user %d", i).isEqualTo(expected);
        }
        assertThat(nodeA.usersByNode(List.of(base + 1, base + 2, base + 3)))
                .containsOnlyKeys("it-dir-a", "it-dir-b")
                .containsEntry("it-dir-a", List.of(base + 1, base + 2))
                .containsEntry("it-dir-b", List.of(base + 2, base + 3));
    }

    @Test
    void theSessionsOfANodeThatStoppedBeatingAreNotRoutedToAfterTheTtl() throws Exception {
        long user = randomId();
        String ghost = "it-dir-ghost~" + randomId();
        kafka.send(Topics.SESSIONS, "i:" + ghost, Map.of("nodeId", "it-dir-ghost")).get();
        kafka.send(Topics.SESSIONS, "s:g-" + user,
                Map.of("userId", user, "nodeId", "it-dir-ghost", "instanceId", ghost)).get();
        nodeA.awaitCurrent(WAIT);
        assertThat(nodeA.nodesOf(List.of(user))).containsEntry(user, Set.of("it-dir-ghost"));

        // The ghost never beats again: it is dead to every reader once the TTL has passed, by the
        // reader's own clock; live nodes (beating every 500 ms) stay.
        long live = randomId();
        nodeB.register(live, "b-" + live);
        await().atMost(TTL.multipliedBy(3)).until(() -> nodeA.nodesOf(List.of(user)).get(user).isEmpty());
        nodeA.awaitCurrent(WAIT);
        assertThat(nodeA.nodesOf(List.of(live))).containsEntry(live, Set.of("it-dir-b"));

        // A node started now reads the ghost's records too, but only until a reader has run for a
        // TTL and tombstoned them: then even a fresh reader never sees the ghost's session.
        await().atMost(TTL.multipliedBy(4)).untilAsserted(() -> {
            SessionDirectory fresh = directory("it-dir-fresh");
            try {
                fresh.awaitCurrent(WAIT);
                assertThat(fresh.nodesOf(List.of(user)).get(user)).isEmpty();
            } finally {
                fresh.stop();
            }
        });
    }

    @Test
    void recordsThatAreNotSessionsAreSkippedAndReadingGoesOn() throws Exception {
        long user = randomId();
        // Each would have thrown on the reader thread (a missing field, not JSON, a foreign key).
        kafka.send(Topics.SESSIONS, "s:broken-" + user, Map.of("userId", user)).get();
        kafka.send(Topics.SESSIONS, "s:garbage-" + user, "not json at all").get();
        kafka.send(Topics.SESSIONS, "x:" + user, Map.of("nodeId", "nobody")).get();
        nodeA.register(user, "a-" + user);
        nodeB.awaitCurrent(WAIT);
        assertThat(nodeB.nodesOf(List.of(user))).containsEntry(user, Set.of("it-dir-a"));
    }

    @Test
    void aNodeTakenForDeadPublishesItsLiveSessionsAgain() throws Exception {
        long user = randomId();
        String session = "a-" + user;
        nodeA.register(user, session);
        // What a reaper does to a node it took for dead (a pause longer than the TTL).
        kafka.send(Topics.SESSIONS, "s:" + session, null).get();
        await().atMost(WAIT).untilAsserted(() -> {
            nodeB.awaitCurrent(WAIT);
            assertThat(nodeB.nodesOf(List.of(user))).containsEntry(user, Set.of("it-dir-a"));
        });
        // A session the node itself closed stays closed.
        nodeA.unregister(session).get();
        nodeB.awaitCurrent(WAIT);
        assertThat(nodeB.nodesOf(List.of(user))).containsEntry(user, Set.of());
    }

    private SessionDirectory directory(String nodeId) {
        SessionDirectory directory = new SessionDirectory(kafka, kafkaProperties, settings(nodeId));
        directory.start();
        return directory;
    }

    private static ChatSettings settings(String nodeId) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                "parley.chat.node-id", nodeId,
                "parley.chat.public-ws-url", "ws://127.0.0.1:1/ws",
                "parley.chat.session-ttl", TTL.toMillis() + "ms",
                "parley.chat.session-refresh-interval", "500ms")))
                .bind("parley.chat", ChatSettings.class).get();
    }

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
