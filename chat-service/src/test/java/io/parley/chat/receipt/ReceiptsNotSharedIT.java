package io.parley.chat.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Instant;
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
 * A deployment that switched receipts off: a user's marks still reach their own devices (so
 * unread counts stay in step), and never the other member.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-receipts-off",
        "parley.receipts.enabled=false"
})
@Import(TestJwt.class)
class ReceiptsNotSharedIT {

    private static final Set<String> PONGS = Set.of("pong");

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
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "it-" + id, Instant.now());
        return id;
    }

    @Test
    void marksReachTheOwnersOtherDevicesButNotTheOtherMember() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + port + "/ws/v1");
        long alice = newUser();
        long bob = newUser();
        try (WsTestClient a = WsTestClient.connect(ws, TestJwt.token(alice));
             WsTestClient bPhone = WsTestClient.connect(ws, TestJwt.token(bob));
             WsTestClient bLaptop = WsTestClient.connect(ws, TestJwt.token(bob))) {
            assertThat(a.welcome().path("receiptsShared").asBoolean()).isFalse();
            a.send(Map.of("type", "send", "id", "one", "to", Long.toString(bob), "text", "read me"));
            String conversation = a.nextIgnoring("ack", PONGS).path("conversationId").asString();
            assertThat(a.nextIgnoring("message", PONGS).path("message").path("seq").asLong()).isEqualTo(1);
            bPhone.nextIgnoring("message", PONGS);
            bLaptop.nextIgnoring("message", PONGS);

            bPhone.send(Map.of("type", "receipt", "id", "r", "conversationId", conversation, "status", "read", "seq", 1));
            for (WsTestClient own : new WsTestClient[] {bPhone, bLaptop}) {
                JsonNode receipt = own.nextIgnoring("receipt", PONGS);
                assertThat(receipt.path("userId").asString()).isEqualTo(Long.toString(bob));
                assertThat(receipt.path("seq").asLong()).isEqualTo(1);
            }

            // Alice's next frame is the answer to her next message, not bob's receipt.
            a.send(Map.of("type", "send", "id", "two", "conversationId", conversation, "text", "still there?"));
            assertThat(a.nextIgnoring("ack", PONGS).path("id").asString()).isEqualTo("two");
            assertThat(a.nextIgnoring("message", PONGS).path("message").path("seq").asLong()).isEqualTo(2);
        }
    }
}
