package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.common.events.Topics;
import io.parley.common.events.TokensRevoked;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Revocation on a real chat node, real Kafka and Cassandra: a user with two sessions from two
 * logins; a logout of login 1 (the record api-service publishes, on the real topic) closes session 1
 * within seconds and leaves session 2; a password change then closes session 2 but not a session of
 * the login the change started. api-service's side (what logout and password change publish, and
 * the {@code sid} of its tokens) is RevocationIT in api-service; {@link TokensRevoked} is the contract.
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.chat.node-id=it-revocation-node",
        "parley.registry.password=it-registry-secret"
})
@Import(TestJwt.class)
class TokenRevocationIT {

    /** "Within a few seconds" on a busy, shared machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);

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

    @Autowired
    @Qualifier("tokenRevocationContainer")
    ConcurrentMessageListenerContainer<String, TokensRevoked> revocations;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-" + id, Instant.now());
        return id;
    }

    /** Publishes as api-service does: keyed by user id, acked by the broker. */
    private void publish(TokensRevoked revoked) throws Exception {
        kafka.send(Topics.TOKEN_REVOCATIONS, Long.toString(revoked.userId()), revoked).get(30, TimeUnit.SECONDS);
    }

    private static void assertOpen(WsTestClient client) throws InterruptedException {
        client.send("{\"type\":\"ping\"}");
        client.next("pong");
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void logoutClosesThatLoginsSessionAndAPasswordChangeTheRest() throws Exception {
        // The node reads revocations from its start on: wait until its consumer has the partition.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> revocations.getAssignedPartitions() != null && !revocations.getAssignedPartitions().isEmpty());
        long user = newUser();
        long otherUser = newUser();
        String login1 = UUID.randomUUID().toString();
        String login2 = UUID.randomUUID().toString();
        Instant issued = Instant.now().minusSeconds(30);

        try (WsTestClient session1 = WsTestClient.connect(ws(), TestJwt.tokenOfLogin(user, login1, issued));
             WsTestClient session2 = WsTestClient.connect(ws(), TestJwt.tokenOfLogin(user, login2, issued));
             WsTestClient stranger = WsTestClient.connect(ws(), TestJwt.tokenOfLogin(otherUser, login1, issued))) {

            publish(TokensRevoked.logout(user, login1, System.currentTimeMillis()));

            await().atMost(CLOSED_WITHIN).until(session1::isClosed);
            assertThat(session1.awaitClose()).isEqualTo(4001);
            assertOpen(session2);
            // a revocation is about one user's logins, whatever the sid of someone else's token
            assertOpen(stranger);

            long changedAt = System.currentTimeMillis();
            // The login the password change starts: its token is issued in the second of the change.
            String login3 = UUID.randomUUID().toString();
            try (WsTestClient session3 = WsTestClient.connect(ws(),
                    TestJwt.tokenOfLogin(user, login3, Instant.ofEpochMilli(changedAt)))) {
                publish(TokensRevoked.everyLogin(user, List.of(login1, login2), changedAt));

                await().atMost(CLOSED_WITHIN).until(session2::isClosed);
                assertThat(session2.awaitClose()).isEqualTo(4001);
                assertOpen(session3);
                assertOpen(stranger);
            }
        }
    }

    @Test
    void aPasswordChangeAlsoClosesSessionsOfTokensWithoutALogin() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> revocations.getAssignedPartitions() != null && !revocations.getAssignedPartitions().isEmpty());
        long user = newUser();
        // a token issued before api-service put sid in tokens
        String marker = UUID.randomUUID().toString();
        try (WsTestClient old = WsTestClient.connect(ws(), TestJwt.token(user));
             WsTestClient markerSession = WsTestClient.connect(ws(), TestJwt.tokenOfLogin(user, marker, Instant.now()))) {
            publish(TokensRevoked.logout(user, UUID.randomUUID().toString(), System.currentTimeMillis()));
            // records are applied in order: once the marker's logout closed it, the first logout was applied
            publish(TokensRevoked.logout(user, marker, System.currentTimeMillis()));
            await().atMost(CLOSED_WITHIN).until(markerSession::isClosed);
            assertOpen(old);

            publish(TokensRevoked.everyLogin(user, List.of(), System.currentTimeMillis()));

            await().atMost(CLOSED_WITHIN).until(old::isClosed);
            assertThat(old.awaitClose()).isEqualTo(4001);
        }
    }
}
