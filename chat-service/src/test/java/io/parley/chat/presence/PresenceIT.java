package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Presence across two real chat nodes (A: this test's context, B: a second application context in
 * the same JVM) on real Kafka and Cassandra. Short bounds so the tests finish quickly: idle timeout
 * 4 s, grace 6 s, node heartbeat every 1 s with a 4 s TTL. Observers ping every second.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "eureka.client.enabled=false",
                "parley.chat.node-id=it-presence-a",
                PresenceIT.IDLE, PresenceIT.GRACE, PresenceIT.BEAT, PresenceIT.TTL
        })
@Import(TestJwt.class)
class PresenceIT {

    static final String IDLE = "parley.chat.idle-timeout=4s";
    static final String GRACE = "parley.chat.presence.grace=6s";
    static final String BEAT = "parley.chat.presence.node-heartbeat-interval=1s";
    static final String TTL = "parley.chat.presence.node-heartbeat-ttl=4s";
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startNodeB() {
        nodeB = startNode("it-presence-b");
    }

    @AfterAll
    static void stopNodeB() {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    /** A second chat node in this JVM: the same application with its own node id and port. */
    static ConfigurableApplicationContext startNode(String nodeId) {
        var kafka = RealInfrastructure.kafka();
        var cassandra = RealInfrastructure.cassandra();
        // Command-line arguments, not builder defaults: application.yml would override defaults
        // with the local run's servers (127.0.0.1:19042 / :19092).
        return new SpringApplicationBuilder(ChatNodeTestApp.class, TestJwt.class)
                .run("--server.port=0",
                        "--eureka.client.enabled=false",
                        "--parley.chat.node-id=" + nodeId,
                        "--" + IDLE, "--" + GRACE, "--" + BEAT, "--" + TTL,
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--spring.cassandra.contact-points=" + cassandra.contactPoint(),
                        "--spring.cassandra.local-datacenter=" + cassandra.localDatacenter(),
                        "--spring.cassandra.keyspace-name=" + cassandra.keyspace());
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    private URI wsA() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private static URI wsOf(ConfigurableApplicationContext node) {
        return URI.create("ws://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port") + "/ws/v1");
    }

    /**
     * A user who chose to show their presence to everyone they share a conversation with: these
     * tests are about liveness, not consent (that is PresenceVisibilityIT). The row has no
     * {@code online} yet, as when a user chooses before first coming online.
     */
    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        cassandra.execute("INSERT INTO user_presence (user_id, visibility, hidden) VALUES (?, 'conversations', false)", id);
        return id;
    }

    /** A conversation of these users, written as api-service would. */
    private long conversation(long... members) {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, ?, ?)", id, "group", now);
        for (long member : members) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    id, member, now);
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                    member, id, now);
        }
        return id;
    }

    private static WsTestClient observer(URI node, long user) throws Exception {
        WsTestClient client = WsTestClient.connect(node, TestJwt.token(user));
        client.pingEvery(KEEP_ALIVE);
        return client;
    }

    /** Subscribes and returns the snapshot's entries by user id. */
    private static Map<String, JsonNode> subscribe(WsTestClient client) throws Exception {
        client.send(Map.of("type", "presence_subscribe", "id", "sub-1"));
        JsonNode answer = client.nextIgnoringPongs("presence");
        assertThat(answer.path("ref").asString()).isEqualTo("sub-1");
        return byUser(answer);
    }

    private static Map<String, JsonNode> query(WsTestClient client, long... users) throws Exception {
        List<String> ids = new ArrayList<>();
        for (long user : users) {
            ids.add(Long.toString(user));
        }
        client.send(Map.of("type", "presence_query", "id", "q", "userIds", ids));
        JsonNode answer = client.nextIgnoringPongs("presence");
        assertThat(answer.path("ref").asString()).isEqualTo("q");
        return byUser(answer);
    }

    private static Map<String, JsonNode> byUser(JsonNode presence) {
        Map<String, JsonNode> users = new java.util.LinkedHashMap<>();
        presence.path("users").forEach(entry -> users.put(entry.path("userId").asString(), entry));
        return users;
    }

    /** Reads pushed presence frames until one names the user; returns that entry. */
    private static JsonNode nextChangeOf(WsTestClient client, long user) throws Exception {
        while (true) {
            JsonNode frame = client.nextIgnoringPongs("presence");
            assertThat(frame.has("ref")).as("pushed frames carry no ref").isFalse();
            JsonNode entry = byUser(frame).get(Long.toString(user));
            if (entry != null) {
                return entry;
            }
        }
    }

    @Test
    void contactsSeeEachOtherGoOnlineAndOfflineAcrossNodes() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        try (WsTestClient aliceOnA = observer(wsA(), alice)) {
            Map<String, JsonNode> snapshot = subscribe(aliceOnA);
            assertThat(snapshot.get(Long.toString(bob)).path("status").asString()).isEqualTo("offline");

            WsTestClient bobOnB = observer(wsOf(nodeB), bob);
            JsonNode online = nextChangeOf(aliceOnA, bob);
            assertThat(online.path("status").asString()).isEqualTo("online");
            assertThat(online.has("lastSeen")).isFalse();
            assertThat(query(aliceOnA, bob).get(Long.toString(bob)).path("status").asString()).isEqualTo("online");

            long closedAt = System.currentTimeMillis();
            bobOnB.close();
            JsonNode offline = nextChangeOf(aliceOnA, bob);
            assertThat(offline.path("status").asString()).isEqualTo("offline");
            assertThat(offline.path("lastSeen").asLong()).isGreaterThanOrEqualTo(closedAt);

            // Last seen is stored: a later query says the same.
            JsonNode queried = query(aliceOnA, bob).get(Long.toString(bob));
            assertThat(queried.path("status").asString()).isEqualTo("offline");
            assertThat(queried.path("lastSeen").asLong()).isEqualTo(offline.path("lastSeen").asLong());
        }
    }

    @Test
    void aDeviceWhoseHeartbeatsStopGoesOffline() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        try (WsTestClient aliceOnA = observer(wsA(), alice);
             WsTestClient silentBob = WsTestClient.connect(wsOf(nodeB), TestJwt.token(bob))) {
            subscribe(aliceOnA);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");
            // Bob never pings: the idle timeout closes his session, the grace period passes, he is offline.
            assertThat(silentBob.awaitClose()).isEqualTo(1001);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("offline");
        }
    }

    @Test
    void aReconnectWithinTheGracePeriodShowsNoOffline() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        try (WsTestClient aliceOnA = observer(wsA(), alice)) {
            subscribe(aliceOnA);
            WsTestClient bobPhone = observer(wsOf(nodeB), bob);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");

            // The phone switches networks: the old connection drops, and once node B has noticed
            // (its holder row is gone, the grace period runs) the phone is without network for a
            // second, then connects to the other node.
            bobPhone.close();
            await().atMost(WsTestClient.WAIT).until(() -> cassandra.execute(
                    "SELECT instance_id FROM presence_user_instances WHERE user_id = ?", bob).one() == null);
            Thread.sleep(1_000);
            WsTestClient bobAgain = observer(wsA(), bob);
            Instant reconnected = Instant.now();

            // Later bob leaves for good. Changes of one user reach a node in order, so if the drop
            // had been announced, alice would see offline, online, offline; she sees one offline,
            // and it is the final one (last seen after the reconnect).
            bobAgain.close();
            JsonNode next = nextChangeOf(aliceOnA, bob);
            assertThat(next.path("status").asString()).isEqualTo("offline");
            assertThat(next.path("lastSeen").asLong()).isGreaterThanOrEqualTo(reconnected.toEpochMilli());
        }
    }

    @Test
    void aKilledNodesUsersGoOfflineOnTheOtherNode() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        ConfigurableApplicationContext doomed = startNode("it-presence-doomed");
        try (WsTestClient aliceOnA = observer(wsA(), alice)) {
            subscribe(aliceOnA);
            WsTestClient bobOnDoomed = observer(wsOf(doomed), bob);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");

            // From the cluster's point of view the node is now gone without a word (kill -9): no
            // heartbeats, no clean-up. Bob's socket even stays open; only the heartbeat row expires.
            doomed.getBean(NodeLiveness.class).halt();
            JsonNode offline = nextChangeOf(aliceOnA, bob);
            assertThat(offline.path("status").asString()).isEqualTo("offline");
            assertThat(cassandra.execute("SELECT online FROM user_presence WHERE user_id = ?", bob).one()
                    .getBoolean("online")).isFalse();
            bobOnDoomed.close();
        } finally {
            doomed.close();
        }
    }

    @Test
    void usersOfANodeKilledWithSigkillGoOffline() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        try (ChatNodeProcess killed = ChatNodeProcess.start("it-presence-sigkill", IDLE, GRACE, BEAT, TTL);
             WsTestClient aliceOnA = observer(wsA(), alice)) {
            subscribe(aliceOnA);
            WsTestClient bobOnKilled = observer(killed.ws(), bob);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");

            long killedAt = System.currentTimeMillis();
            killed.kill(); // SIGKILL: no drain, no clean-up, nothing said to anyone
            JsonNode offline = nextChangeOf(aliceOnA, bob);
            assertThat(offline.path("status").asString()).isEqualTo("offline");
            assertThat(offline.path("lastSeen").asLong()).isGreaterThan(killedAt);
            assertThat(bobOnKilled.awaitClose()).isNotEqualTo(1000);
            System.out.printf("presence: users of a SIGKILLed node shown offline %d ms after the kill (TTL 4 s, beat 1 s)%n",
                    offline.path("lastSeen").asLong() - killedAt);
        }
    }

    @Test
    void aNodeTakenForDeadDuringAPauseBringsItsUsersBack() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        ConfigurableApplicationContext paused = startNode("it-presence-paused");
        try (WsTestClient aliceOnA = observer(wsA(), alice);
             WsTestClient bobOnPaused = observer(wsOf(paused), bob)) {
            subscribe(aliceOnA);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");

            NodeLiveness liveness = paused.getBean(NodeLiveness.class);
            liveness.pauseHeartbeats(); // like a GC pause longer than the heartbeat TTL
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("offline");

            liveness.resumeHeartbeats();
            // Bob never left: the node notices it was reaped and registers him again.
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");
        } finally {
            paused.close();
        }
    }

    @Test
    void strangersLearnNothingAndLargeGroupsAreAskedFor() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long stranger = newUser();
        conversation(alice, bob);
        long[] crowd = new long[60];
        crowd[0] = bob;
        for (int i = 1; i < crowd.length; i++) {
            crowd[i] = newUser();
        }
        long dave = crowd[1];
        conversation(crowd); // 60 members: over the push limit (50)
        try (WsTestClient bobOnB = observer(wsOf(nodeB), bob);
             WsTestClient strangerOnA = observer(wsA(), stranger);
             WsTestClient daveOnA = observer(wsA(), dave)) {
            // The stranger shares nothing with bob: unknown, exactly like a user id that does not exist.
            Map<String, JsonNode> answer = query(strangerOnA, bob, 4242L);
            assertThat(answer.get(Long.toString(bob)).path("status").asString()).isEqualTo("unknown");
            assertThat(answer.get(Long.toString(bob)).has("lastSeen")).isFalse();
            assertThat(answer.get("4242").path("status").asString()).isEqualTo("unknown");
            assertThat(subscribe(strangerOnA)).isEmpty();

            // A member removed from a group keeps its history row but shares nothing any more.
            long formerGroup = conversation(bob, stranger);
            cassandra.execute("DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                    formerGroup, stranger);
            cassandra.execute("UPDATE user_conversations SET removed_at_seq = 1 WHERE user_id = ? AND conversation_id = ?",
                    stranger, formerGroup);
            assertThat(query(strangerOnA, bob).get(Long.toString(bob)).path("status").asString()).isEqualTo("unknown");

            // Dave shares only the large group with bob: no push subscription, but he may ask.
            assertThat(subscribe(daveOnA)).doesNotContainKey(Long.toString(bob));
            assertThat(query(daveOnA, bob).get(Long.toString(bob)).path("status").asString()).isEqualTo("online");

            strangerOnA.send(Map.of("type", "presence_query", "id", "bad", "userIds", List.of("abc")));
            JsonNode error = strangerOnA.nextIgnoringPongs("error");
            assertThat(error.path("code").asString()).isEqualTo("invalid_field");
            assertThat(error.path("field").asString()).isEqualTo("userIds");
            assertThat(error.path("ref").asString()).isEqualTo("bad");
        }
    }

    @Test
    void hiddenPresenceStaysHidden() throws Exception {
        long alice = newUser();
        long bob = newUser();
        conversation(alice, bob);
        try (WsTestClient aliceOnA = observer(wsA(), alice)) {
            subscribe(aliceOnA);
            WsTestClient bobOnB = observer(wsOf(nodeB), bob);
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");

            bobOnB.send(Map.of("type", "presence_settings", "id", "h", "hidden", true));
            JsonNode settings = bobOnB.nextIgnoringPongs("presence_settings");
            assertThat(settings.path("hidden").asBoolean()).isTrue();
            assertThat(settings.path("visibility").asString()).isEqualTo("nobody");
            assertThat(settings.path("ref").asString()).isEqualTo("h");
            JsonNode hidden = nextChangeOf(aliceOnA, bob);
            assertThat(hidden.path("status").asString()).isEqualTo("offline");
            assertThat(hidden.has("lastSeen")).isFalse();

            // Bob leaves, comes back on the other node, and leaves again: nothing shows through.
            bobOnB.close();
            WsTestClient bobOnA = observer(wsA(), bob);
            JsonNode whileConnected = query(aliceOnA, bob).get(Long.toString(bob));
            assertThat(whileConnected.path("status").asString()).isEqualTo("offline");
            assertThat(whileConnected.has("lastSeen")).isFalse();

            // Showing presence again reveals the real state; it is the next change alice gets, so
            // nothing about bob was pushed while he was hidden. (hidden:false would return bob to
            // the default, contacts, under which alice, who never got a 1:1 message from him, sees nothing.)
            bobOnA.send(Map.of("type", "presence_settings", "id", "s", "visibility", "conversations"));
            JsonNode shown = bobOnA.nextIgnoringPongs("presence_settings");
            assertThat(shown.path("visibility").asString()).isEqualTo("conversations");
            assertThat(shown.path("hidden").asBoolean()).isFalse();
            assertThat(nextChangeOf(aliceOnA, bob).path("status").asString()).isEqualTo("online");
            bobOnA.close();
        }
    }
}
