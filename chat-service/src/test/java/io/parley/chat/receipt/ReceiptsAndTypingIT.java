package io.parley.chat.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Receipts and typing in a group of three users on two real chat nodes (A: this test's context,
 * B: a second context in the same JVM) on real Kafka and Cassandra: receipts reach every member
 * and the receipt's author's other devices wherever they are connected, watermarks never move
 * down, typing is forwarded throttled and never to the typist, and bad frames change nothing.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "eureka.client.enabled=false",
                "parley.chat.node-id=it-receipts-a",
                ReceiptsAndTypingIT.TYPING_INTERVAL, ReceiptsAndTypingIT.TYPING_EXPIRY
        })
@Import(TestJwt.class)
class ReceiptsAndTypingIT {

    static final String TYPING_INTERVAL = "parley.chat.typing.interval=2s";
    static final String TYPING_EXPIRY = "parley.chat.typing.expiry=4s";
    private static final Set<String> PONGS = Set.of("pong");
    /** For a test about errors: the group's creation notice may arrive live at any point. */
    private static final Set<String> QUIET = Set.of("pong", "message");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startNodeB() {
        var kafka = RealInfrastructure.kafka();
        var cassandra = RealInfrastructure.cassandra();
        nodeB = new SpringApplicationBuilder(ChatNodeTestApp.class, TestJwt.class)
                .run("--server.port=0",
                        "--eureka.client.enabled=false",
                        "--parley.chat.node-id=it-receipts-b",
                        "--" + TYPING_INTERVAL, "--" + TYPING_EXPIRY,
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--spring.cassandra.contact-points=" + cassandra.contactPoint(),
                        "--spring.cassandra.local-datacenter=" + cassandra.localDatacenter(),
                        "--spring.cassandra.keyspace-name=" + cassandra.keyspace());
    }

    @AfterAll
    static void stopNodeB() {
        if (nodeB != null) {
            nodeB.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    private URI wsA() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private static URI wsB() {
        return URI.create("ws://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port") + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "it-" + id, Instant.now());
        return id;
    }

    /** The rows api-service writes for a new group, then its group_created message (seq 1). */
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
                group, "Trio", owner, now);
        MessageSubmitted created = MessageSubmitted.system(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), group,
                new SystemEvent(SystemEvent.GROUP_CREATED, owner, all.subList(1, all.size()), "Trio", null),
                System.currentTimeMillis());
        kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(group), created).get(30, TimeUnit.SECONDS);
        return group;
    }

    private static Map<String, Object> receipt(String id, long conversation, String status, long seq) {
        return Map.of("type", "receipt", "id", id, "conversationId", Long.toString(conversation), "status", status, "seq", seq);
    }

    private static Map<String, Object> typing(long conversation, String state) {
        return Map.of("type", "typing", "conversationId", Long.toString(conversation), "state", state);
    }

    private static JsonNode next(WsTestClient client, String type) throws InterruptedException {
        return client.nextIgnoring(type, PONGS);
    }

    private static void assertReceipt(JsonNode frame, long conversation, long user, String status, long seq) {
        assertThat(frame.path("conversationId").asString()).isEqualTo(Long.toString(conversation));
        assertThat(frame.path("userId").asString()).isEqualTo(Long.toString(user));
        assertThat(frame.path("status").asString()).isEqualTo(status);
        assertThat(frame.path("seq").asLong()).isEqualTo(seq);
    }

    private Row marks(long conversation, long user) {
        return cassandra.execute("SELECT delivered_seq, read_seq FROM receipts WHERE conversation_id = ? AND user_id = ?",
                conversation, user).one();
    }

    @Test
    void threeUsersOnTwoNodesSeeEachOthersReceiptsAndTyping() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        try (WsTestClient a = WsTestClient.connect(wsA(), TestJwt.token(alice));
             WsTestClient b = WsTestClient.connect(wsB(), TestJwt.token(bob));
             WsTestClient cPhone = WsTestClient.connect(wsA(), TestJwt.token(carol));
             WsTestClient cLaptop = WsTestClient.connect(wsB(), TestJwt.token(carol))) {
            List<WsTestClient> everyone = List.of(a, b, cPhone, cLaptop);
            assertThat(a.welcome().path("receiptsShared").asBoolean()).isTrue();
            assertThat(a.welcome().path("typingIntervalSeconds").asInt()).isEqualTo(2);
            long group = createGroup(alice, bob, carol);
            for (WsTestClient client : everyone) {
                assertThat(next(client, "message").path("message").path("seq").asLong()).isEqualTo(1);
            }

            a.send(Map.of("type", "send", "id", "hi-1", "conversationId", Long.toString(group), "text", "hi all"));
            next(a, "ack");
            for (WsTestClient client : everyone) {
                assertThat(next(client, "message").path("message").path("seq").asLong()).isEqualTo(2);
            }
            // Storing the message moved the conversation's activity and the sender's own marks.
            assertThat(cassandra.execute("SELECT last_seq FROM conversation_activity WHERE conversation_id = ?", group)
                    .one().getLong("last_seq")).isEqualTo(2);
            assertThat(marks(group, alice).getLong("read_seq")).isEqualTo(2);

            // Bob (node B) has received seq 2: everyone hears it, on both nodes, bob's session too.
            b.send(receipt("r-1", group, "delivered", 2));
            for (WsTestClient client : everyone) {
                assertReceipt(next(client, "receipt"), group, bob, "delivered", 2);
            }
            assertThat(marks(group, bob).getLong("delivered_seq")).isEqualTo(2);
            assertThat(marks(group, bob).isNull("read_seq")).isTrue();

            // Carol reads on her phone (node A): her laptop (node B) learns it, so it can clear the unread count.
            cPhone.send(receipt("r-2", group, "read", 2));
            for (WsTestClient client : everyone) {
                assertReceipt(next(client, "receipt"), group, carol, "read", 2);
            }
            assertThat(marks(group, carol).getLong("read_seq")).isEqualTo(2);
            assertThat(marks(group, carol).getLong("delivered_seq")).as("read implies delivered").isEqualTo(2);

            // A receipt that would move a mark down, or repeat it, changes and announces nothing.
            cLaptop.send(receipt("r-3", group, "read", 1));
            cLaptop.send(receipt("r-4", group, "delivered", 2));
            // A session handles its frames in order: once this sync is answered, r-3 and r-4 were handled.
            cLaptop.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "2")));
            assertThat(next(cLaptop, "sync_result").path("messages")).isEmpty();
            assertThat(marks(group, carol).getLong("read_seq")).isEqualTo(2);

            // Typing: forwarded to the others (never back to the typist), a repeat within the
            // interval is swallowed, and a stop follows the start.
            b.send(typing(group, "start"));
            b.send(typing(group, "start"));
            b.send(typing(group, "stop"));
            for (WsTestClient client : List.of(a, cPhone, cLaptop)) {
                JsonNode start = next(client, "typing");
                assertThat(start.path("userId").asString()).isEqualTo(Long.toString(bob));
                assertThat(start.path("conversationId").asString()).isEqualTo(Long.toString(group));
                assertThat(start.path("state").asString()).isEqualTo("start");
                assertThat(start.path("expiresInMs").asLong()).isEqualTo(4000);
                // Had r-3/r-4 or the second start been forwarded, they would come before this stop.
                assertThat(next(client, "typing").path("state").asString()).isEqualTo("stop");
            }

            // Bob got none of his own typing frames: the next thing he gets is alice's next message.
            a.send(Map.of("type", "send", "id", "hi-2", "conversationId", Long.toString(group), "text", "typing seen"));
            next(a, "ack");
            assertThat(next(b, "message").path("message").path("seq").asLong()).isEqualTo(3);
        }
    }

    @Test
    void badReceiptsAndTypingGetAClearErrorAndChangeNothing() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long stranger = newUser();
        long group = createGroup(alice, bob);
        try (WsTestClient a = WsTestClient.connect(wsA(), TestJwt.token(alice));
             WsTestClient s = WsTestClient.connect(wsB(), TestJwt.token(stranger))) {
            // Wait until the group's first message is stored (seq 1 exists); it may also come live.
            a.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "0")));
            JsonNode synced = a.nextIgnoring("sync_result", QUIET);
            while (synced.path("messages").isEmpty()) {
                Thread.sleep(200);
                a.send(Map.of("type", "sync", "cursors", Map.of(Long.toString(group), "0")));
                synced = a.nextIgnoring("sync_result", QUIET);
            }

            a.send(receipt("beyond", group, "read", 99));
            assertError(a.nextIgnoring("error", QUIET), "unknown_message", "beyond", "seq");
            a.send(receipt("zero", group, "read", 0));
            assertError(a.nextIgnoring("error", QUIET), "invalid_field", "zero", "seq");
            a.send(receipt("seen", group, "seen", 1));
            assertError(a.nextIgnoring("error", QUIET), "invalid_field", "seen", "status");
            a.send(Map.of("type", "receipt", "id", "no-conv", "status", "read", "seq", 1));
            assertError(a.nextIgnoring("error", QUIET), "missing_field", "no-conv", "conversationId");
            a.send(receipt("unknown", 4242L, "read", 1));
            assertError(a.nextIgnoring("error", QUIET), "unknown_conversation", "unknown", "conversationId");
            a.send(Map.of("type", "typing", "conversationId", Long.toString(group), "state", "dancing"));
            assertError(a.nextIgnoring("error", QUIET), "invalid_field", null, "state");

            // Someone who is not a member: the same answer as for a conversation that does not exist.
            s.send(receipt("foreign", group, "read", 1));
            assertError(next(s, "error"), "unknown_conversation", "foreign", "conversationId");
            s.send(typing(group, "start"));
            assertError(next(s, "error"), "unknown_conversation", null, "conversationId");

            // Nothing was written for anyone (alice's own mark is from her group_created message only).
            assertThat(marks(group, stranger)).isNull();
            assertThat(marks(group, bob)).isNull();
            assertThat(marks(group, alice).getLong("read_seq")).isEqualTo(1);

            // And the session still works.
            a.send("{\"type\":\"ping\"}");
            a.nextIgnoring("pong", Set.of("message"));
        }
    }

    private static void assertError(JsonNode error, String code, String ref, String field) {
        assertThat(error.path("code").asString()).isEqualTo(code);
        if (ref == null) {
            assertThat(error.has("ref") && !error.path("ref").isNull()).isFalse();
        } else {
            assertThat(error.path("ref").asString()).isEqualTo(ref);
        }
        assertThat(error.path("field").asString()).isEqualTo(field);
    }
}
