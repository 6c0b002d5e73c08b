package io.parley.chat.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A group conversation on one real chat node (sequencer included) on real Kafka and Cassandra.
 * Group changes are published exactly as api-service publishes them (a system
 * {@link MessageSubmitted} on parley.messages.submitted keyed by conversation id), so this proves
 * the chat tier's half: system messages in order with the chat, membership applied at the
 * message's seq, a removed member receiving and sending nothing after its removal, and sync
 * filtered by each member's readable seqs.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-group-node-1"
})
@Import(TestJwt.class)
class GroupConversationIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "it-" + id, Instant.now());
        return id;
    }

    /** The rows api-service writes for a new group (owner first), then its group_created message. */
    private long createGroup(long owner, long... members) throws Exception {
        long group = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        List<Long> all = new ArrayList<>();
        all.add(owner);
        for (long m : members) {
            all.add(m);
        }
        for (long user : all) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at, role, joined_at_seq)"
                    + " VALUES (?, ?, ?, ?, 1)", group, user, now, user == owner ? "owner" : "member");
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at, joined_at_seq)"
                    + " VALUES (?, ?, ?, 1)", user, group, now);
        }
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, name, created_by, created_at) VALUES (?, 'group', ?, ?, ?)",
                group, "Hikers", owner, now);
        publish(group, new SystemEvent(SystemEvent.GROUP_CREATED, owner, all.subList(1, all.size()), "Hikers", null));
        return group;
    }

    private void publish(long group, SystemEvent event) throws Exception {
        MessageSubmitted message = MessageSubmitted.system(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                group, event, System.currentTimeMillis());
        kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(group), message).get(30, TimeUnit.SECONDS);
    }

    private static Map<String, Object> groupSend(String id, long group, String text) {
        return Map.of("type", "send", "id", id, "conversationId", Long.toString(group), "text", text);
    }

    private static JsonNode nextMessage(WsTestClient client) throws InterruptedException {
        return client.next("message").path("message");
    }

    private static List<String> describe(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.path("seq").asLong() + ":" + (m.path("kind").asString().equals("system")
                ? m.path("system").path("event").asString()
                : m.path("text").asString())));
        return out;
    }

    @Test
    void systemMessagesTakeTheirPlaceInOrderAndARemovedMemberGetsNothingAfterItsRemoval() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        try (WsTestClient a = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient b = WsTestClient.connect(ws(), TestJwt.token(bob));
             WsTestClient c = WsTestClient.connect(ws(), TestJwt.token(carol))) {
            long group = createGroup(alice, bob, carol);

            // seq 1: the creation notice reaches every member, structured, with no text.
            for (WsTestClient client : List.of(a, b, c)) {
                JsonNode created = nextMessage(client);
                assertThat(created.path("seq").asLong()).isEqualTo(1);
                assertThat(created.path("kind").asString()).isEqualTo("system");
                assertThat(created.path("system").path("event").asString()).isEqualTo("group_created");
                assertThat(created.path("system").path("name").asString()).isEqualTo("Hikers");
                assertThat(created.path("system").path("actorId").asString()).isEqualTo(Long.toString(alice));
                assertThat(created.has("text")).isFalse();
            }

            // seq 2: a chat message reaches every member, the sending session too (after its ack).
            a.send(groupSend("g-1", group, "hello group"));
            assertThat(a.next("ack").path("conversationId").asString()).isEqualTo(Long.toString(group));
            for (WsTestClient client : List.of(a, b, c)) {
                JsonNode message = nextMessage(client);
                assertThat(message.path("seq").asLong()).isEqualTo(2);
                assertThat(message.path("kind").asString()).isEqualTo("text");
                assertThat(message.path("text").asString()).isEqualTo("hello group");
            }

            // seq 3: alice removes carol; carol is told too, and then she is out.
            publish(group, new SystemEvent(SystemEvent.MEMBER_REMOVED, alice, List.of(carol), null, null));
            for (WsTestClient client : List.of(a, b, c)) {
                JsonNode removed = nextMessage(client);
                assertThat(removed.path("seq").asLong()).isEqualTo(3);
                assertThat(removed.path("system").path("event").asString()).isEqualTo("member_removed");
                assertThat(removed.path("system").path("targetIds").get(0).asString()).isEqualTo(Long.toString(carol));
            }
            // The sequencer applied the removal before routing seq 3, so this needs no waiting.
            assertThat(cassandra.execute("SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                    group, carol).one()).isNull();

            // Carol can no longer send, at once (the send check does not use the membership cache).
            c.send(groupSend("c-1", group, "am I still here?"));
            JsonNode refused = c.next("error");
            assertThat(refused.path("code").asString()).isEqualTo("unknown_conversation");
            assertThat(refused.path("ref").asString()).isEqualTo("c-1");

            // seq 4 and 5 reach bob, not carol.
            a.send(groupSend("g-2", group, "carol is gone"));
            a.next("ack");
            b.send(groupSend("g-3", group, "yes"));
            b.next("ack");
            for (WsTestClient member : List.of(a, b)) {
                assertThat(nextMessage(member).path("seq").asLong()).isEqualTo(4);
                assertThat(nextMessage(member).path("seq").asLong()).isEqualTo(5);
            }
            // A 1:1 message to carol after seq 5 was routed: carol's deliveries are one ordered queue,
            // so had seq 4 or 5 been routed to her, it would come before this one.
            a.send(Map.of("type", "send", "id", "dm-1", "to", Long.toString(carol), "text", "sorry"));
            a.next("ack");
            JsonNode carolsNext = nextMessage(c);
            assertThat(carolsNext.path("text").asString()).isEqualTo("sorry");
            assertThat(carolsNext.path("conversationId").asString()).isNotEqualTo(Long.toString(group));

            // Sync: bob gets everything in order, chat and system messages interleaved; carol gets
            // up to and including her removal, never what came after.
            b.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "0")));
            List<String> bobs = describe(b.next("sync_result").path("messages"));
            assertThat(bobs).containsSubsequence("1:group_created", "2:hello group", "3:member_removed",
                    "4:carol is gone", "5:yes");
            assertThat(bobs.stream().filter(d -> !d.contains("sorry")).count()).isEqualTo(5);
            c.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "0")));
            JsonNode carolsSync = c.next("sync_result").path("messages");
            List<String> carols = new ArrayList<>();
            carolsSync.forEach(m -> {
                if (m.path("conversationId").asString().equals(Long.toString(group))) {
                    carols.add(describe(List.of(m)));
                }
            });
            assertThat(carols).containsExactly("1:group_created", "2:hello group", "3:member_removed");
        }
    }

    private static String describe(List<JsonNode> one) {
        JsonNode m = one.get(0);
        return m.path("seq").asLong() + ":" + (m.path("kind").asString().equals("system")
                ? m.path("system").path("event").asString() : m.path("text").asString());
    }

    @Test
    void anAddedMemberReceivesFromItsAddOnAndSyncsNothingFromBefore() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long dave = newUser();
        try (WsTestClient a = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient d = WsTestClient.connect(ws(), TestJwt.token(dave))) {
            long group = createGroup(alice, bob);
            assertThat(nextMessage(a).path("seq").asLong()).isEqualTo(1);
            a.send(groupSend("before", group, "before dave"));
            a.next("ack");
            assertThat(nextMessage(a).path("seq").asLong()).isEqualTo(2);

            publish(group, new SystemEvent(SystemEvent.MEMBER_ADDED, alice, List.of(dave), null, null));
            JsonNode added = nextMessage(d);
            assertThat(added.path("seq").asLong()).isEqualTo(3);
            assertThat(added.path("system").path("event").asString()).isEqualTo("member_added");
            assertThat(nextMessage(a).path("seq").asLong()).isEqualTo(3);

            // Dave, now a member, can send; alice gets it.
            d.send(groupSend("d-1", group, "hi, I'm dave"));
            d.next("ack");
            assertThat(nextMessage(a).path("text").asString()).isEqualTo("hi, I'm dave");
            assertThat(nextMessage(d).path("seq").asLong()).isEqualTo(4);

            // Dave's sync starts at his add: seq 2 (before he joined) is not his to read.
            d.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "0")));
            List<Long> seqs = new ArrayList<>();
            d.next("sync_result").path("messages").forEach(m -> {
                if (m.path("conversationId").asString().equals(Long.toString(group))) {
                    seqs.add(m.path("seq").asLong());
                }
            });
            assertThat(seqs).containsExactly(3L, 4L);

            // Role changes apply to existing members only; a rename updates the conversation row.
            publish(group, new SystemEvent(SystemEvent.ROLE_CHANGED, alice, List.of(dave), null, "admin"));
            publish(group, new SystemEvent(SystemEvent.GROUP_RENAMED, alice, List.of(), "Climbers", null));
            assertThat(nextMessage(d).path("system").path("role").asString()).isEqualTo("admin");
            assertThat(nextMessage(d).path("system").path("name").asString()).isEqualTo("Climbers");
            assertThat(cassandra.execute("SELECT role FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                    group, dave).one().getString("role")).isEqualTo("admin");
            assertThat(cassandra.execute("SELECT name FROM conversations WHERE conversation_id = ?", group)
                    .one().getString("name")).isEqualTo("Climbers");
        }
    }
}
