package io.parley.chat.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.SessionDirectory;
import io.parley.chat.session.WsTestClient;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A node's own lifecycle: idle sessions are closed, and a drain hands every client elsewhere. */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "eureka.client.enabled=false",
                "parley.chat.node-id=it-drain-node",
                "parley.chat.idle-timeout=3s"
        })
@Import(TestJwt.class)
@DirtiesContext // the drain test leaves this node draining
class NodeDrainIT {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerKafka(registry);
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    SessionDirectory directory;

    @Autowired
    NodeDrain drain;

    @Autowired
    NodeStatusController status;

    private URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/v1");
    }

    @Test
    void aSilentSessionIsClosedAfterTheIdleTimeout() throws Exception {
        try (WsTestClient client = WsTestClient.connect(ws(), TestJwt.token(userId()))) {
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
    }

    @Test
    void drainingTellsEveryClientToReconnectClosesWith1012AndForgetsTheSessions() throws Exception {
        long alice = userId();
        long bob = userId();
        WsTestClient a = WsTestClient.connect(ws(), TestJwt.token(alice));
        WsTestClient b = WsTestClient.connect(ws(), TestJwt.token(bob));
        a.welcome();
        b.welcome();

        drain.stop();

        assertThat(a.next("reconnect").path("reason").asString()).isEqualTo("draining");
        assertThat(b.next("reconnect").path("reason").asString()).isEqualTo("draining");
        assertThat(a.awaitClose()).isEqualTo(1012);
        assertThat(b.awaitClose()).isEqualTo(1012);
        // Removed before stop() returned: the fan-out no longer routes to this node.
        directory.awaitCurrent(Duration.ofSeconds(30));
        assertThat(directory.nodesOf(List.of(alice, bob))).containsEntry(alice, Set.of()).containsEntry(bob, Set.of());
        assertThat(status.status().draining()).isTrue();
        // New clients are sent away before the upgrade.
        assertThatThrownBy(() -> WsTestClient.open(ws(), TestJwt.token(alice)).get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
    }

    private static long userId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
