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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Who sees a user's presence (docs/protocol.md {@code presence_settings}), on one real chat node
 * on real Kafka and Cassandra. Users start with no stored choice, so the default applies. Short
 * grace (1 s) so going offline is quick.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "eureka.client.enabled=false",
                "parley.chat.node-id=it-presence-visibility",
                "parley.chat.idle-timeout=4s",
                "parley.chat.presence.grace=1s",
                "parley.chat.presence.node-heartbeat-interval=1s",
                "parley.chat.presence.node-heartbeat-ttl=4s"
        })
@Import(TestJwt.class)
class PresenceVisibilityIT {

    private static final Set<String> NOT_PRESENCE = Set.of("pong", "message", "receipt");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        return id;
    }

    /** A group of these users, written as api-service writes it when {@code adder} creates it with the others in it. */
    private long group(long adder, long... others) {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, created_by, created_at) VALUES (?, 'group', ?, ?)",
                id, adder, now);
        long[] members = new long[others.length + 1];
        members[0] = adder;
        System.arraycopy(others, 0, members, 1, others.length);
        for (long member : members) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    id, member, now);
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                    member, id, now);
        }
        return id;
    }

    private WsTestClient connect(long user) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws/v1"), TestJwt.token(user));
        client.pingEvery(Duration.ofSeconds(1));
        return client;
    }

    /** A 1:1 message from the client's user to {@code to}; returns once acked. */
    private static void sendDirect(WsTestClient from, long to, String id) throws Exception {
        from.send(Map.of("type", "send", "id", id, "to", Long.toString(to), "text", "hello"));
        assertThat(from.nextIgnoring("ack", NOT_PRESENCE).path("id").asString()).isEqualTo(id);
    }

    private static void sendInGroup(WsTestClient from, long group, String id) throws Exception {
        from.send(Map.of("type", "send", "id", id, "conversationId", Long.toString(group), "text", "welcome"));
        assertThat(from.nextIgnoring("ack", NOT_PRESENCE).path("id").asString()).isEqualTo(id);
    }

    private static Map<String, JsonNode> subscribe(WsTestClient client) throws Exception {
        client.send(Map.of("type", "presence_subscribe", "id", "sub"));
        JsonNode answer = client.nextIgnoring("presence", NOT_PRESENCE);
        assertThat(answer.path("ref").asString()).isEqualTo("sub");
        return byUser(answer);
    }

    /**
     * The answer to a query about the user. Frames are read in order, so this also proves that no
     * push about anyone reached the client before the answer.
     */
    private static JsonNode query(WsTestClient client, long user) throws Exception {
        client.send(Map.of("type", "presence_query", "id", "q", "userIds", List.of(Long.toString(user))));
        JsonNode answer = client.nextIgnoring("presence", NOT_PRESENCE);
        assertThat(answer.path("ref").asString()).as("no push came before the answer: %s", answer).isEqualTo("q");
        return byUser(answer).get(Long.toString(user));
    }

    private static JsonNode settings(WsTestClient client, Map<String, Object> frame) throws Exception {
        client.send(frame);
        return client.nextIgnoring("presence_settings", NOT_PRESENCE);
    }

    private static Map<String, JsonNode> byUser(JsonNode presence) {
        Map<String, JsonNode> users = new LinkedHashMap<>();
        presence.path("users").forEach(entry -> users.put(entry.path("userId").asString(), entry));
        return users;
    }

    /**
     * Reads pushed presence frames until one shows the user with this status; returns that entry.
     * (A change may be announced twice, e.g. a first message racing a subscribe: the same state again.)
     */
    private static JsonNode nextChangeTo(WsTestClient client, long user, String status) throws Exception {
        while (true) {
            JsonNode frame = client.nextIgnoring("presence", NOT_PRESENCE);
            assertThat(frame.has("ref")).as("pushed frames carry no ref").isFalse();
            JsonNode entry = byUser(frame).get(Long.toString(user));
            if (entry != null && entry.path("status").asString().equals(status)) {
                return entry;
            }
        }
    }

    private static void assertMasked(JsonNode entry) {
        assertThat(entry.path("status").asString()).isEqualTo("offline");
        assertThat(entry.has("lastSeen")).as("no last-seen: %s", entry).isFalse();
    }

    @Test
    void underTheDefaultOnlyPeopleIMessagedSeeMyPresence() throws Exception {
        long me = newUser();
        long stranger = newUser();
        long adder = newUser();
        long friend = newUser();
        try (WsTestClient myPhone = connect(me);
             WsTestClient strangerPhone = connect(stranger);
             WsTestClient adderPhone = connect(adder);
             WsTestClient friendPhone = connect(friend)) {
            // A stranger messages me; someone adds me to a group and writes in it. Neither needs me to do anything.
            sendDirect(strangerPhone, me, "s-1");
            long group = group(adder, me);
            sendInGroup(adderPhone, group, "g-1");
            // I message my friend: my own action.
            sendDirect(myPhone, friend, "f-1");

            // I am online, but neither the stranger nor the adder may know it, pushed or asked.
            assertMasked(subscribe(strangerPhone).get(Long.toString(me)));
            assertMasked(query(strangerPhone, me));
            assertMasked(subscribe(adderPhone).get(Long.toString(me)));
            assertMasked(query(adderPhone, me));

            // My friend does (the contact is recorded off the send path, so it may take a moment).
            await().atMost(Duration.ofSeconds(20)).until(() -> cassandra.execute(
                    "SELECT contact_id FROM presence_contacts WHERE user_id = ? AND contact_id = ?", me, friend).one() != null);
            assertThat(subscribe(friendPhone).get(Long.toString(me)).path("status").asString()).isEqualTo("online");
            // Nobody else got a contact row out of messaging me or adding me.
            assertThat(cassandra.execute("SELECT contact_id FROM presence_contacts WHERE user_id = ?", me).all())
                    .extracting(row -> row.getLong("contact_id")).containsExactly(friend);

            // I go offline: my friend is told, with last-seen; the others are told nothing and
            // learn no last-seen when they ask.
            long closedAt = System.currentTimeMillis();
            myPhone.close();
            JsonNode offline = nextChangeTo(friendPhone, me, "offline");
            assertThat(offline.path("lastSeen").asLong()).isGreaterThanOrEqualTo(closedAt);
            assertMasked(query(strangerPhone, me));
            assertMasked(query(adderPhone, me));
            assertThat(query(friendPhone, me).path("lastSeen").asLong()).isEqualTo(offline.path("lastSeen").asLong());

            // The direction matters: the stranger messaged me, so *I* may see the stranger.
            try (WsTestClient myLaptop = connect(me)) {
                assertThat(query(myLaptop, stranger).path("status").asString()).isEqualTo("online");
            }
        }
    }

    @Test
    void settingsTakeEffectForOpenSubscriptionsAndNobodyHidesFromEveryone() throws Exception {
        long me = newUser();
        long friend = newUser();
        long member = newUser();
        long group = group(member, me, friend);
        try (WsTestClient myPhone = connect(me);
             WsTestClient friendPhone = connect(friend);
             WsTestClient memberPhone = connect(member)) {
            // Both subscribed before anything is allowed: they see me offline though I am online.
            assertMasked(subscribe(friendPhone).get(Long.toString(me)));
            assertMasked(subscribe(memberPhone).get(Long.toString(me)));

            // My first message to my friend lets them in, and their open subscription shows it.
            sendDirect(myPhone, friend, "f-1");
            nextChangeTo(friendPhone, me, "online");

            // "conversations": the group member is let in at once.
            JsonNode wider = settings(myPhone, Map.of("type", "presence_settings", "id", "s-1", "visibility", "conversations"));
            assertThat(wider.path("ref").asString()).isEqualTo("s-1");
            assertThat(wider.path("visibility").asString()).isEqualTo("conversations");
            assertThat(wider.path("hidden").asBoolean()).isFalse();
            nextChangeTo(memberPhone, me, "online");
            nextChangeTo(friendPhone, me, "online"); // still admitted: told the same again

            // "nobody": both are shut out at once, and asking shows nothing either.
            JsonNode none = settings(myPhone, Map.of("type", "presence_settings", "id", "s-2", "visibility", "nobody"));
            assertThat(none.path("visibility").asString()).isEqualTo("nobody");
            assertThat(none.path("hidden").asBoolean()).isTrue();
            assertMasked(nextChangeTo(friendPhone, me, "offline"));
            assertMasked(nextChangeTo(memberPhone, me, "offline"));
            assertMasked(query(friendPhone, me));

            // Stored, not per session: my next device finds it; going offline and back shows nothing.
            myPhone.close();
            Thread.sleep(2_500); // past the 1 s grace: I went offline, unannounced
            assertMasked(query(friendPhone, me));
            assertMasked(query(memberPhone, me));
            try (WsTestClient myLaptop = connect(me)) {
                assertMasked(query(friendPhone, me));

                // The older boolean: hidden:false returns to the default, contacts: my friend
                // (whom I messaged) sees me again, the group member does not.
                JsonNode shown = settings(myLaptop, Map.of("type", "presence_settings", "id", "s-3", "hidden", false));
                assertThat(shown.path("visibility").asString()).isEqualTo("contacts");
                assertThat(shown.path("hidden").asBoolean()).isFalse();
                nextChangeTo(friendPhone, me, "online");
                assertMasked(nextChangeTo(memberPhone, me, "offline"));
                assertMasked(query(memberPhone, me));

                // Bad settings change nothing.
                myLaptop.send(Map.of("type", "presence_settings", "id", "bad", "visibility", "everyone"));
                JsonNode error = myLaptop.nextIgnoring("error", NOT_PRESENCE);
                assertThat(error.path("code").asString()).isEqualTo("invalid_field");
                assertThat(error.path("field").asString()).isEqualTo("visibility");
                myLaptop.send(Map.of("type", "presence_settings", "id", "both", "visibility", "nobody", "hidden", false));
                assertThat(myLaptop.nextIgnoring("error", NOT_PRESENCE).path("field").asString()).isEqualTo("hidden");
                assertThat(query(friendPhone, me).path("status").asString()).isEqualTo("online");
            }
        }
    }
}
