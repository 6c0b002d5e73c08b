package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
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
 * The rate limits of send and presence frames (docs/protocol.md "Rate limits") on a real chat node,
 * real Kafka and real Cassandra. Windows are an hour long so that nothing here depends on timing:
 * what a window allows is allowed, the next frame is refused, and a refused frame changes nothing.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-chat-limits-1",
        "parley.registry.password=it-registry-secret",
        "parley.chat.rate-limits.send-per-session.limit=" + FrameRateLimitIT.SENDS_PER_SESSION,
        "parley.chat.rate-limits.send-per-session.period=1h",
        "parley.chat.rate-limits.send-per-user.limit=" + FrameRateLimitIT.SENDS_PER_USER,
        "parley.chat.rate-limits.send-per-user.period=1h",
        "parley.chat.rate-limits.presence-per-session.limit=" + FrameRateLimitIT.PRESENCE_PER_SESSION,
        "parley.chat.rate-limits.presence-per-session.period=1h"
})
@Import(TestJwt.class)
class FrameRateLimitIT {

    static final int SENDS_PER_SESSION = 5;
    static final int SENDS_PER_USER = 8;
    static final int PRESENCE_PER_SESSION = 2;
    private static final Set<String> OWN_MESSAGES = Set.of("message");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    CqlSession cassandra;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        return id;
    }

    private static Map<String, Object> send(String id, long to, String text) {
        return Map.of("type", "send", "id", id, "to", Long.toString(to), "text", text);
    }

    private boolean claimed(long sender, String clientMessageId) {
        return cassandra.execute("SELECT message_id FROM client_messages WHERE sender_id = ? AND client_message_id = ?",
                sender, clientMessageId).one() != null;
    }

    private static void assertRateLimited(JsonNode error, String ref) {
        assertThat(error.path("code").asString()).isEqualTo("too_many_requests");
        assertThat(error.path("ref").asString()).isEqualTo(ref);
        assertThat(error.path("message").asString()).isNotBlank();
        // Within the hour-long window: a positive delay, at most the window.
        assertThat(error.path("retryAfterMs").asLong()).isPositive().isLessThanOrEqualTo(3_600_000L);
    }

    @Test
    void aFloodingSessionIsRefusedWithARetryDelayWhileAnotherUserSendsOnAndNothingRefusedIsStored() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient alicePhone = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient bobPhone = WsTestClient.connect(ws(), TestJwt.token(bob))) {
            // Alice's phone floods: the window's sends are acked, every one after it is refused.
            int flood = SENDS_PER_SESSION + 10;
            for (int i = 0; i < flood; i++) {
                alicePhone.send(send("flood-" + i, bob, "flood " + i));
            }
            String conversationId = null;
            for (int i = 0; i < flood; i++) {
                JsonNode answer = alicePhone.nextIgnoring(i < SENDS_PER_SESSION ? "ack" : "error", OWN_MESSAGES);
                if (i < SENDS_PER_SESSION) {
                    assertThat(answer.path("id").asString()).isEqualTo("flood-" + i);
                    conversationId = answer.path("conversationId").asString();
                } else {
                    assertRateLimited(answer, "flood-" + i);
                }
            }

            // Another user's session on the same node is not affected.
            bobPhone.send(send("bob-1", alice, "are you ok?"));
            assertThat(bobPhone.nextIgnoring("ack", OWN_MESSAGES).path("conversationId").asString())
                    .isEqualTo(conversationId);

            // A resend of a refused frame, same id, is refused the same way while the window lasts.
            alicePhone.send(send("flood-" + SENDS_PER_SESSION, bob, "flood " + SENDS_PER_SESSION));
            assertRateLimited(alicePhone.nextIgnoring("error", OWN_MESSAGES), "flood-" + SENDS_PER_SESSION);

            // Refused sends were never claimed, and took no seq: Bob's conversation holds the five
            // accepted messages and his own, nothing else.
            for (int i = SENDS_PER_SESSION; i < flood; i++) {
                assertThat(claimed(alice, "flood-" + i)).as("flood-%d", i).isFalse();
            }
            List<String> texts = syncTexts(bobPhone, SENDS_PER_SESSION + 1);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < SENDS_PER_SESSION; i++) {
                expected.add("flood " + i);
            }
            expected.add("are you ok?");
            assertThat(texts).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aUsersSessionsOnOneNodeShareThePerUserBudget() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient phone = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient laptop = WsTestClient.connect(ws(), TestJwt.token(alice))) {
            for (int i = 0; i < SENDS_PER_SESSION; i++) {
                phone.send(send("p-" + i, bob, "phone " + i));
                phone.nextIgnoring("ack", OWN_MESSAGES);
            }
            // The laptop has a fresh session budget but only what is left of Alice's (8 - 5 = 3).
            int left = SENDS_PER_USER - SENDS_PER_SESSION;
            for (int i = 0; i < left; i++) {
                laptop.send(send("l-" + i, bob, "laptop " + i));
                assertThat(laptop.nextIgnoring("ack", OWN_MESSAGES).path("id").asString()).isEqualTo("l-" + i);
            }
            laptop.send(send("l-" + left, bob, "laptop " + left));
            JsonNode refused = laptop.nextIgnoring("error", OWN_MESSAGES);
            assertRateLimited(refused, "l-" + left);
            assertThat(refused.path("message").asString()).contains("user");
            assertThat(claimed(alice, "l-" + left)).isFalse();

            // Pings and syncs are not limited.
            laptop.send("{\"type\":\"ping\"}");
            laptop.nextIgnoring("pong", OWN_MESSAGES);
        }
    }

    @Test
    void presenceFramesOverTheSessionLimitAreRefusedWithARetryDelay() throws Exception {
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient phone = WsTestClient.connect(ws(), TestJwt.token(alice));
             WsTestClient other = WsTestClient.connect(ws(), TestJwt.token(bob))) {
            for (int i = 0; i < PRESENCE_PER_SESSION; i++) {
                phone.send(Map.of("type", "presence_query", "id", "q-" + i, "userIds", List.of(Long.toString(bob))));
                assertThat(phone.nextIgnoringPongs("presence").path("ref").asString()).isEqualTo("q-" + i);
            }
            phone.send(Map.of("type", "presence_query", "id", "q-over", "userIds", List.of(Long.toString(bob))));
            assertRateLimited(phone.nextIgnoringPongs("error"), "q-over");
            phone.send(Map.of("type", "presence_subscribe", "id", "s-over"));
            assertRateLimited(phone.nextIgnoringPongs("error"), "s-over");

            // Sends of the same session and presence of another user's session go on.
            phone.send(send("after", bob, "still here"));
            assertThat(phone.nextIgnoring("ack", OWN_MESSAGES).path("id").asString()).isEqualTo("after");
            other.send(Map.of("type", "presence_query", "id", "b-1", "userIds", List.of(Long.toString(alice))));
            assertThat(other.nextIgnoring("presence", OWN_MESSAGES).path("ref").asString()).isEqualTo("b-1");
        }
    }

    /** Syncs from nothing until {@code count} messages are there (storage may trail the acks). */
    private static List<String> syncTexts(WsTestClient client, int count) throws Exception {
        long deadline = System.nanoTime() + WsTestClient.WAIT.toNanos();
        while (true) {
            client.send(Map.of("type", "sync", "cursors", Map.of(), "limit", 500));
            JsonNode result = client.nextIgnoring("sync_result", OWN_MESSAGES);
            List<String> texts = new ArrayList<>();
            result.path("messages").forEach(m -> texts.add(m.path("text").asString()));
            if (texts.size() >= count || System.nanoTime() > deadline) {
                return texts;
            }
            Thread.sleep(200);
        }
    }
}
