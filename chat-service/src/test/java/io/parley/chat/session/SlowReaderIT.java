package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that stops reading costs only itself (issue 9, "one client can hurt everyone"): the node
 * has a single worker thread here, so one write that waited for the stalled client would stop every
 * other session's work, acks included, for as long as the send time limit (two minutes here, past
 * every wait of this test). Instead the writes to it queue without a thread, and once more than
 * {@code outbound-buffer-bytes} wait for it, its connection is dropped.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-slow-reader",
        "parley.chat.worker-threads=1",
        "parley.chat.outbound-buffer-bytes=65536",
        "parley.chat.outbound-send-time-limit=120s",
        "parley.registry.password=it-registry-secret"
})
@Import(TestJwt.class)
class SlowReaderIT {

    /** Far more than loopback's socket buffers on both ends can hold (a few MB each). */
    private static final int MAX_MESSAGES = 3_000;
    /** 4,000 two-byte characters: 8 KB of UTF-8 per message frame. */
    private static final String TEXT = "é".repeat(4_000);

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
    SessionRegistry registry;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        return id;
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileEveryoneElseGoesOn() throws Exception {
        long stalled = newUser();
        long writer = newUser();
        CompletableFuture<Void> welcomed = new CompletableFuture<>();
        WebSocket stalledSocket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TestJwt.token(stalled))
                .buildAsync(ws(), new ReadsOneFrameThenStops(welcomed))
                .get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        welcomed.get(WsTestClient.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(registry.sessionsOf(stalled)).hasSize(1);

        int sent = 0;
        try (WsTestClient sender = WsTestClient.connect(ws(), TestJwt.token(writer))) {
            while (!registry.sessionsOf(stalled).isEmpty() && sent < MAX_MESSAGES) {
                sent++;
                sender.send(Map.of("type", "send", "id", "m-" + sent, "to", Long.toString(stalled), "text", TEXT));
                // With one worker, this ack could not come while a write to the stalled client held it.
                sender.nextIgnoring("ack", Set.of("message"));
            }
            assertThat(registry.sessionsOf(stalled))
                    .as("the stalled client is disconnected within %d messages", MAX_MESSAGES).isEmpty();

            // The node still serves everyone else, the stalled user too once it comes back.
            sender.send(Map.of("type", "send", "id", "after", "to", Long.toString(stalled), "text", "still here"));
            assertThat(sender.nextIgnoring("ack", Set.of("message")).path("id").asString())
                    .isEqualTo("after");
            try (WsTestClient back = WsTestClient.connect(ws(), TestJwt.token(stalled))) {
                back.send(Map.of("type", "send", "id", "back", "to", Long.toString(writer), "text", "I am back"));
                assertThat(back.nextIgnoring("ack", Set.of("message")).path("id").asString())
                        .isEqualTo("back");
            }
        } finally {
            stalledSocket.abort();
        }
        assertThat(sent).as("messages it took").isGreaterThan(8); // more than its 64 KB, i.e. it did stall
    }

    /** A client that reads its welcome and then nothing more: the JDK client stops reading the socket. */
    private static final class ReadsOneFrameThenStops implements WebSocket.Listener {

        private final CompletableFuture<Void> firstFrame;

        ReadsOneFrameThenStops(CompletableFuture<Void> firstFrame) {
            this.firstFrame = firstFrame;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            firstFrame.complete(null); // and no request(): no more frames are read
            return null;
        }
    }
}
