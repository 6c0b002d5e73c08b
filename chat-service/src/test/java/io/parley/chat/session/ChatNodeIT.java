package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One real chat node (the whole application, sequencer included) on real Kafka and Cassandra,
 * driven through its WebSocket like a client would.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-chat-node-1",
        "parley.chat.max-sessions-per-user=" + ChatNodeIT.MAX_SESSIONS,
        "parley.registry.password=" + ChatNodeIT.REGISTRY_PASSWORD
})
@Import(TestJwt.class)
class ChatNodeIT {

    static final String REGISTRY_PASSWORD = "it-registry-secret";
    static final int MAX_SESSIONS = 4;

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
    SessionDirectory directory;

    @Autowired
    KafkaTemplate<String, Object> kafka;

    @Autowired
    ChatSettings settings;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        return id;
    }

    private static Map<String, Object> send(String id, String to, String text) {
        return Map.of("type", "send", "id", id, "to", to, "text", text);
    }

    /** The same send again, marked as a resend as docs/protocol.md asks. */
    private static Map<String, Object> resend(String id, String to, String text) {
        return Map.of("type", "send", "id", id, "to", to, "text", text, "resend", true);
    }

    @Test
    void upgradeWithoutAValidTokenIsRefusedWith401() {
        for (String token : new String[] {null, "not-a-jwt", TestJwt.untrustedToken(5)}) {
            assertThatThrownBy(() -> WsTestClient.open(ws(), token).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        }
    }

    @Test
    void aSessionIsToldItsTokenExpiresThenClosedWith4001() throws Exception {
        long user = newUser();
        // the node is ready (delivery consumer assigned) before the short-lived token starts to count
        try (WsTestClient ready = WsTestClient.connect(ws(), TestJwt.token(user))) {
            ready.welcome();
        }
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(user, Duration.ofSeconds(8)))) {
            client.welcome();
            // the lifetime is below the warning time (60 s), so the warning comes right away
            JsonNode expiring = client.nextIgnoringPongs("token_expiring");
            assertThat(expiring.path("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);

            assertThat(client.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void browsersMayPassTheTokenAsQueryParameter() throws Exception {
        long user = newUser();
        URI withToken = URI.create(ws() + "?access_token=" + TestJwt.token(user));
        try (WsTestClient client = WsTestClient.connect(withToken, null)) {
            assertThat(client.welcome().path("userId").asString()).isEqualTo(Long.toString(user));
        }
    }

    @Test
    void welcomeComesAfterTheSessionIsRegistered() throws Exception {
        long user = newUser();
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(user))) {
            JsonNode welcome = client.welcome();
            assertThat(welcome.path("protocolVersion").asInt()).isEqualTo(1);
            assertThat(welcome.path("userId").asString()).isEqualTo(Long.toString(user));
            assertThat(welcome.path("node").asString()).isEqualTo("it-chat-node-1");
            assertThat(welcome.path("maxFrameBytes").asInt()).isEqualTo(16384);
            assertThat(welcome.path("maxTextLength").asInt()).isEqualTo(4000);
            // Registered before the welcome was sent: what the broker has now includes it.
            directory.awaitCurrent(Duration.ofSeconds(30));
            assertThat(directory.nodesOf(List.of(user))).containsEntry(user, Set.of("it-chat-node-1"));

            client.send("{\"type\":\"ping\"}");
            client.next("pong");
        }
    }

    @Test
    void closingASessionRemovesItFromTheDirectory() throws Exception {
        long user = newUser();
        WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(user));
        client.welcome();
        client.close();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            directory.awaitCurrent(Duration.ofSeconds(30));
            assertThat(directory.nodesOf(List.of(user))).containsEntry(user, Set.of());
        });
    }

    @Test
    void aUserGetsAtMostTheCapOfSessionsCountingThoseOnOtherNodes() throws Exception {
        long user = newUser();
        List<WsTestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_SESSIONS; i++) {
                WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(user));
                client.welcome();
                open.add(client);
            }
            try (WsTestClient oneTooMany = WsTestClient.open(ws(), TestJwt.token(user)).get(60, TimeUnit.SECONDS)) {
                assertThat(oneTooMany.awaitClose()).isEqualTo(4008);
            }
            // A closed session frees its seat.
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                try (WsTestClient again = WsTestClient.connect(ws(), TestJwt.token(user))) {
                    assertThat(again.welcome().path("userId").asString()).isEqualTo(Long.toString(user));
                }
            });
        } finally {
            for (WsTestClient client : open) {
                client.close();
            }
        }

        // Sessions on another node count too: with all seats taken there, none is left here.
        long elsewhere = newUser();
        String instance = "it-other-node~" + elsewhere;
        kafka.send(Topics.SESSIONS, "i:" + instance, Map.of("nodeId", "it-other-node")).get();
        for (int i = 0; i < MAX_SESSIONS; i++) {
            kafka.send(Topics.SESSIONS, "s:other-" + elsewhere + "-" + i,
                    Map.of("userId", elsewhere, "nodeId", "it-other-node", "instanceId", instance)).get();
        }
        directory.awaitCurrent(Duration.ofSeconds(30));
        try (WsTestClient here = WsTestClient.open(ws(), TestJwt.token(elsewhere)).get(60, TimeUnit.SECONDS)) {
            assertThat(here.awaitClose()).isEqualTo(4008);
        }
        for (int i = 0; i < MAX_SESSIONS; i++) {
            kafka.send(Topics.SESSIONS, "s:other-" + elsewhere + "-" + i, null).get();
        }
    }

    @Test
    void sendIsAckedOnlyAfterPublishAndARetryGetsTheSameAck() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(alice))) {
            client.send(send("m-1", Long.toString(bob), "hello bob"));
            JsonNode ack = client.next("ack");
            assertThat(ack.path("id").asString()).isEqualTo("m-1");
            assertThat(ack.path("messageId").asString()).matches("[1-9][0-9]*");
            assertThat(ack.path("conversationId").asString()).matches("[1-9][0-9]*");
            assertThat(ack.path("sentAt").asLong()).isPositive();

            // The sending session gets the message too: that is how it learns the seq.
            JsonNode echo = client.next("message").path("message");
            assertThat(echo.path("messageId").asString()).isEqualTo(ack.path("messageId").asString());
            assertThat(echo.path("clientMessageId").asString()).isEqualTo("m-1");
            assertThat(echo.path("seq").asLong()).isEqualTo(1);

            client.send(resend("m-1", Long.toString(bob), "hello bob"));
            JsonNode retryAck = client.next("ack");
            assertThat(retryAck).isEqualTo(ack);

            long messageId = Long.parseLong(ack.path("messageId").asString());
            long conversationId = Long.parseLong(ack.path("conversationId").asString());
            // One claim, and both publishes carry the same message id (the sequencer keeps one).
            List<Row> claims = cassandra.execute("SELECT message_id FROM client_messages"
                    + " WHERE sender_id = ? AND client_message_id = ?", alice, "m-1").all();
            assertThat(claims).hasSize(1);
            assertThat(claims.get(0).getLong("message_id")).isEqualTo(messageId);
            List<JsonNode> published = submittedFor(conversationId, 2);
            assertThat(published).allSatisfy(record -> {
                assertThat(record.path("messageId").asLong()).isEqualTo(messageId);
                assertThat(record.path("senderId").asLong()).isEqualTo(alice);
                assertThat(record.path("clientMessageId").asString()).isEqualTo("m-1");
                assertThat(record.path("sentAt").asLong()).isEqualTo(ack.path("sentAt").asLong());
            });

            // A later message of the conversation is sequenced after both publishes of m-1
            // (same key, same partition), so once it has its seq the retry was handled too.
            client.send(Map.of("type", "send", "id", "m-2", "conversationId", Long.toString(conversationId),
                    "text", "second"));
            JsonNode second = client.next("ack");
            long secondId = Long.parseLong(second.path("messageId").asString());
            await().atMost(Duration.ofSeconds(60)).until(() -> cassandra.execute(
                    "SELECT seq FROM message_positions WHERE message_id = ?", secondId).one() != null);
            List<Long> sequence = new ArrayList<>();
            cassandra.execute("SELECT message_id FROM messages WHERE conversation_id = ? AND bucket = 0", conversationId)
                    .forEach(row -> sequence.add(row.getLong("message_id")));
            assertThat(sequence).containsExactly(secondId, messageId); // seq 2, seq 1 (DESC)
        }
    }

    @Test
    void aResendNotMarkedAsOneIsStillStoredOnceAndTheFirstClaimStays() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(alice))) {
            client.send(send("u-1", Long.toString(bob), "once"));
            JsonNode ack = client.nextIgnoring("ack", java.util.Set.of("message"));
            long messageId = Long.parseLong(ack.path("messageId").asString());
            long conversationId = Long.parseLong(ack.path("conversationId").asString());

            // Unmarked: the node takes it for a first attempt (no read), under a new message id.
            client.send(send("u-1", Long.toString(bob), "once"));
            JsonNode unmarked = client.nextIgnoring("ack", java.util.Set.of("message"));
            assertThat(unmarked.path("messageId").asString()).isNotEqualTo(ack.path("messageId").asString());

            // The claim issued first stays (its write timestamp wins), so a marked resend gets the first ack.
            client.send(resend("u-1", Long.toString(bob), "once"));
            assertThat(client.nextIgnoring("ack", java.util.Set.of("message"))).isEqualTo(ack);
            assertThat(cassandra.execute("SELECT message_id FROM client_messages WHERE sender_id = ? AND client_message_id = ?",
                    alice, "u-1").one().getLong("message_id")).isEqualTo(messageId);

            // The sequencer keeps one message per (sender, client id): a later message lands at seq 2.
            client.send(Map.of("type", "send", "id", "u-2", "conversationId", Long.toString(conversationId),
                    "text", "second"));
            long secondId = Long.parseLong(client.nextIgnoring("ack", java.util.Set.of("message"))
                    .path("messageId").asString());
            await().atMost(Duration.ofSeconds(60)).until(() -> cassandra.execute(
                    "SELECT seq FROM message_positions WHERE message_id = ?", secondId).one() != null);
            List<Long> sequence = new ArrayList<>();
            cassandra.execute("SELECT message_id FROM messages WHERE conversation_id = ? AND bucket = 0", conversationId)
                    .forEach(row -> sequence.add(row.getLong("message_id")));
            assertThat(sequence).containsExactly(secondId, messageId);
        }
    }

    @Test
    void badFramesGetNamedErrorsAndTheConnectionKeepsWorking() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(alice))) {
            client.send("this is not json");
            assertError(client.next("error"), "invalid_frame", null, null);

            client.send("{\"type\":\"teleport\"}");
            assertError(client.next("error"), "invalid_frame", null, "type");

            client.send("{\"type\":\"send\",\"id\":\"big\",\"to\":\"" + bob + "\",\"text\":\"" + "x".repeat(17_000) + "\"}");
            assertError(client.next("error"), "frame_too_large", null, null);

            client.send(Map.of("type", "send", "id", "b-1", "to", Long.toString(bob)));
            assertError(client.next("error"), "missing_field", "b-1", "text");

            client.send(Map.of("type", "send", "to", Long.toString(bob), "text", "x"));
            assertError(client.next("error"), "missing_field", null, "id");

            client.send(send("b-2", "12345", "hi"));
            assertError(client.next("error"), "unknown_recipient", "b-2", "to");

            client.send(send("b-3", Long.toString(alice), "hi me"));
            assertError(client.next("error"), "unknown_recipient", "b-3", "to");

            client.send(Map.of("type", "send", "id", "b-4", "conversationId", "777", "text", "hi"));
            assertError(client.next("error"), "unknown_conversation", "b-4", "conversationId");

            client.send(send("b-5", Long.toString(bob), "y".repeat(4001)));
            assertError(client.next("error"), "text_too_long", "b-5", "text");

            client.send(Map.of("type", "sync", "cursors", Map.of("abc", "1")));
            assertError(client.next("error"), "invalid_field", null, "cursors");

            // Still usable, and none of the refused sends claimed anything.
            client.send("{\"type\":\"ping\"}");
            client.next("pong");
            client.send(send("ok-1", Long.toString(bob), "finally"));
            assertThat(client.next("ack").path("id").asString()).isEqualTo("ok-1");
            for (String refused : List.of("b-1", "b-2", "b-3", "b-4", "b-5")) {
                assertThat(cassandra.execute("SELECT message_id FROM client_messages WHERE sender_id = ?"
                        + " AND client_message_id = ?", alice, refused).one()).isNull();
            }
        }
    }

    /**
     * Issue 9: an unpaired surrogate was acked and then froze its partition (send.text), got no answer
     * (send.id) or closed the session with 4500 (receipt.id); a numeric id was acked and stored, a
     * numeric to answered unknown_recipient. Each is now invalid_field naming the field, nothing is
     * claimed or published, and the session goes on.
     */
    @Test
    void invalidUnicodeAndWrongJsonTypesAreInvalidFieldAndChangeNothing() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(alice))) {
            client.send("{\"type\":\"send\",\"id\":\"h-1\",\"to\":\"" + bob + "\",\"text\":\"bad \\udc00 text\"}");
            assertError(client.next("error"), "invalid_field", "h-1", "text");

            client.send("{\"type\":\"send\",\"id\":\"h-2\\udc00\",\"to\":\"" + bob + "\",\"text\":\"hi\"}");
            assertError(client.next("error"), "invalid_field", null, "id");

            client.send("{\"type\":\"receipt\",\"id\":\"\\ud800\",\"conversationId\":\"5\",\"status\":\"read\",\"seq\":1}");
            assertError(client.next("error"), "invalid_field", null, "id");

            client.send("{\"type\":\"send\",\"id\":123,\"to\":\"" + bob + "\",\"text\":\"hi\"}");
            assertError(client.next("error"), "invalid_field", null, "id");

            client.send("{\"type\":\"send\",\"id\":\"h-3\",\"to\":" + bob + ",\"text\":\"hi\"}");
            assertError(client.next("error"), "invalid_field", "h-3", "to");

            client.send("{\"type\":\"receipt\",\"id\":\"h-4\",\"conversationId\":\"5\",\"status\":\"read\",\"seq\":\"1\"}");
            assertError(client.next("error"), "invalid_field", "h-4", "seq");

            client.send("{\"type\":\"ping\"}");
            client.next("pong");
            client.send(send("h-ok", Long.toString(bob), "fine \uD83D\uDE00"));
            JsonNode ack = client.next("ack");
            assertThat(ack.path("id").asString()).isEqualTo("h-ok");
            assertThat(client.next("message").path("message").path("text").asString()).isEqualTo("fine \uD83D\uDE00");
            for (String refused : List.of("h-1", "123", "h-3")) {
                assertThat(cassandra.execute("SELECT message_id FROM client_messages WHERE sender_id = ?"
                        + " AND client_message_id = ?", alice, refused).one()).as(refused).isNull();
            }
            // Only the good message was published to the conversation.
            long conversationId = Long.parseLong(ack.path("conversationId").asString());
            assertThat(submittedFor(conversationId, 1)).singleElement()
                    .satisfies(record -> assertThat(record.path("clientMessageId").asString()).isEqualTo("h-ok"));
        }
    }

    @Test
    void aMessageReachesTheRecipientAndEverySessionOfTheSender() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient alicePhone = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient aliceLaptop = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient bobPhone = WsTestClient.connect(ws(), TestJwt.token(bob))) {
            alicePhone.send(send("live-1", Long.toString(bob), "hi bob"));
            JsonNode ack = alicePhone.next("ack");

            JsonNode atBob = bobPhone.next("message").path("message");
            assertThat(atBob.path("messageId").asString()).isEqualTo(ack.path("messageId").asString());
            assertThat(atBob.path("conversationId").asString()).isEqualTo(ack.path("conversationId").asString());
            assertThat(atBob.path("seq").asLong()).isEqualTo(1);
            assertThat(atBob.path("senderId").asString()).isEqualTo(Long.toString(alice));
            assertThat(atBob.path("text").asString()).isEqualTo("hi bob");
            assertThat(atBob.path("clientMessageId").asString()).isEqualTo("live-1");
            assertThat(aliceLaptop.next("message").path("message")).isEqualTo(atBob);
            // The sending phone too, after its ack: the ack came before the message had a seq.
            assertThat(alicePhone.next("message").path("message")).isEqualTo(atBob);

            aliceLaptop.send(Map.of("type", "send", "id", "live-2", "conversationId",
                    ack.path("conversationId").asString(), "text", "from the laptop"));
            aliceLaptop.next("ack");
            assertThat(aliceLaptop.next("message").path("message").path("seq").asLong()).isEqualTo(2);
            JsonNode atPhone = alicePhone.next("message").path("message");
            assertThat(atPhone.path("seq").asLong()).isEqualTo(2);
            assertThat(bobPhone.next("message").path("message").path("seq").asLong()).isEqualTo(2);

            // Bob's second device catches up by sync from nothing.
            try (WsTestClient bobTablet = WsTestClient.connect(ws(), TestJwt.token(bob))) {
                bobTablet.send(Map.of("type", "sync", "cursors", Map.of()));
                JsonNode result = bobTablet.next("sync_result");
                assertThat(result.path("more").asBoolean()).isFalse();
                assertThat(result.path("messages")).extracting(m -> m.path("seq").asLong()).containsExactly(1L, 2L);

                bobTablet.send(Map.of("type", "sync", "cursors", Map.of(ack.path("conversationId").asString(), "1")));
                JsonNode rest = bobTablet.next("sync_result");
                assertThat(rest.path("messages")).extracting(m -> m.path("text").asString())
                        .containsExactly("from the laptop");
            }
        }
    }

    /**
     * A 1:1 conversation's members are checked without a read once the node knows the
     * conversation (from creating it, or from one read of its kind): an outsider sending into it
     * by id is refused either way, and its members may send.
     */
    @Test
    void onlyTheTwoMembersMaySendIntoA1to1ConversationByItsId() throws Exception {
        long alice = newUser();
        long bob = newUser();
        long carol = newUser();
        long dave = newUser();
        long erin = newUser();
        // Written as another node would have written it: this node has never seen it.
        long elsewhere = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, 'direct', ?)",
                elsewhere, now);
        for (long member : new long[] {dave, erin}) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    elsewhere, member, now);
        }
        try (WsTestClient a = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient c = WsTestClient.connect(ws(), TestJwt.token(carol));
             WsTestClient d = WsTestClient.connect(ws(), TestJwt.token(dave))) {
            a.send(send("d-1", Long.toString(bob), "hi bob"));
            String created = a.next("ack").path("conversationId").asString();

            c.send(Map.of("type", "send", "id", "c-1", "conversationId", created, "text", "let me in"));
            assertError(c.next("error"), "unknown_conversation", "c-1", "conversationId");
            c.send(Map.of("type", "send", "id", "c-2", "conversationId", Long.toString(elsewhere), "text", "me too"));
            assertError(c.next("error"), "unknown_conversation", "c-2", "conversationId");

            a.send(Map.of("type", "send", "id", "d-2", "conversationId", created, "text", "again"));
            assertThat(a.next("ack").path("conversationId").asString()).isEqualTo(created);
            d.send(Map.of("type", "send", "id", "e-1", "conversationId", Long.toString(elsewhere), "text", "hi erin"));
            assertThat(d.next("ack").path("conversationId").asString()).isEqualTo(Long.toString(elsewhere));
        }
    }

    @Test
    void nodeStatusCountsConnections() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int before = nodeStatus(http).path("connections").asInt();
        try (WsTestClient one = WsTestClient.connect(ws(), TestJwt.token(newUser()));
             WsTestClient two = WsTestClient.connect(ws(), TestJwt.token(newUser()))) {
            JsonNode status = nodeStatus(http);
            assertThat(status.path("nodeId").asString()).isEqualTo("it-chat-node-1");
            // server.port=0 in tests, so the default URL names port 0: compare with the setting.
            assertThat(status.path("wsUrl").asString()).isEqualTo(settings.publicWsUrl());
            assertThat(status.path("draining").asBoolean()).isFalse();
            assertThat(status.path("connections").asInt()).isEqualTo(before + 2);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> nodeStatus(http).path("connections").asInt() == before);
    }

    private JsonNode nodeStatus(HttpClient http) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/node"))
                        .header("Authorization", basic("parley", REGISTRY_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }

    @Test
    void internalEndpointsAndActuatorDetailsNeedTheRegistryCredentials() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/internal/node", "/actuator/info"}) {
            for (String authorization : new String[] {null, basic("parley", "wrong"), basic("admin", REGISTRY_PASSWORD),
                    "Bearer " + TestJwt.token(newUser())}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s with %s", path, authorization).isEqualTo(401);
                assertThat(response.body()).doesNotContain("it-chat-node-1");
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                        value -> assertThat(value).startsWith("Basic"));
            }
        }
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(health.body()).has("components")).isFalse();
        assertThat(nodeStatus(http).path("nodeId").asString()).isEqualTo("it-chat-node-1");
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertError(JsonNode error, String code, String ref, String field) {
        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.has("ref") ? error.path("ref").asString() : null).isEqualTo(ref);
        assertThat(error.has("field") ? error.path("field").asString() : null).isEqualTo(field);
    }

    @Test
    void oneSessionsPipelinedSendsAreSequencedInFrameOrderAcrossRetries() throws Exception {
        long alice = newUser();
        long bob = newUser();
        int total = 240;
        int window = 24; // below max-pending-frames (32): every frame of a window is in flight at once
        try (WsTestClient aliceWs = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient bobWs = WsTestClient.connect(ws(), TestJwt.token(bob))) {
            Map<String, String> ackedIds = new java.util.HashMap<>();
            for (int from = 0; from < total; from += window) {
                List<String> sent = new ArrayList<>();
                for (int i = from; i < from + window; i++) {
                    aliceWs.send(send("order-" + i, Long.toString(bob), "m-" + i));
                    sent.add("order-" + i);
                }
                if (from > 0) {
                    // Retries inside the stream: one of the previous window (acked) and one of this
                    // window (maybe still in flight). Same id and text, as a client resends them.
                    int earlier = from - window / 2;
                    int current = from + 1;
                    aliceWs.send(resend("order-" + earlier, Long.toString(bob), "m-" + earlier));
                    aliceWs.send(resend("order-" + current, Long.toString(bob), "m-" + current));
                    sent.add("order-" + earlier);
                    sent.add("order-" + current);
                }
                // Answers come in frame order, whatever order the broker acks arrive in.
                for (String id : sent) {
                    JsonNode ack = aliceWs.nextIgnoring("ack", java.util.Set.of("message"));
                    assertThat(ack.path("id").asString()).isEqualTo(id);
                    String messageId = ack.path("messageId").asString();
                    assertThat(ackedIds.putIfAbsent(id, messageId)).isIn(null, messageId);
                }
            }
            assertThat(ackedIds).hasSize(total);

            // Bob sees each message once, live, in the order Alice sent them.
            List<String> seen = new ArrayList<>();
            long lastSeq = 0;
            while (seen.size() < total) {
                JsonNode message = bobWs.next("message").path("message");
                assertThat(message.path("seq").asLong()).isEqualTo(lastSeq + 1);
                lastSeq = message.path("seq").asLong();
                seen.add(message.path("text").asString());
            }
            List<String> expected = java.util.stream.IntStream.range(0, total).mapToObj(i -> "m-" + i).toList();
            assertThat(seen).containsExactlyElementsOf(expected);

            // And the stored order is the same.
            bobWs.send(Map.of("type", "sync", "cursors", Map.of()));
            List<String> stored = new ArrayList<>();
            JsonNode page;
            do {
                page = bobWs.next("sync_result");
                page.path("messages").forEach(m -> stored.add(m.path("text").asString()));
                if (page.path("more").asBoolean()) {
                    Map<String, String> cursors = new java.util.HashMap<>();
                    page.path("messages").forEach(m -> cursors.put(m.path("conversationId").asString(),
                            Long.toString(m.path("seq").asLong())));
                    bobWs.send(Map.of("type", "sync", "cursors", cursors));
                }
            } while (page.path("more").asBoolean());
            assertThat(stored).containsExactlyElementsOf(expected);
        }
    }

    /** Reads parley.messages.submitted from the start until it has {@code count} records of the conversation. */
    private static List<JsonNode> submittedFor(long conversationId, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.MESSAGES_SUBMITTED));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().equals(Long.toString(conversationId))) {
                        // Plain JSON, no type headers: what any other consumer sees.
                        assertThat(record.headers().lastHeader("__TypeId__")).isNull();
                        found.add(json.readTree(record.value()));
                    }
                }
                return found.size() >= count;
            });
        }
        assertThat(found).hasSize(count);
        return found;
    }
}
