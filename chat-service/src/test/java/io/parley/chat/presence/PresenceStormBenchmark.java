package io.parley.chat.presence;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Benchmark, not a test (no *IT / *Test suffix, so {@code mvn verify} does not run it): presence
 * updates per second across two chat nodes while 1:1 messages flow, and what the storm does to
 * message latency. Run:
 * <pre>
 * ./mvnw -B -q -pl chat-service -am install -DskipTests
 * ./mvnw -B -pl chat-service verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PresenceStormBenchmark
 * </pre>
 * Setup: {@value #OBSERVERS} observers on node A, each subscribed and sharing a group with
 * {@value #PER_OBSERVER} users; those {@value #OBSERVERS}×{@value #PER_OBSERVER} users connect to
 * node B all at once (a node restart's storm), then leave all at once. Meanwhile alice (A) sends
 * bob (B) a message every 20 ms. Figures are printed as "presence-bench: …".
 */
@SpringBootTest(classes = ChatNodeTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "parley.chat.node-id=bench-presence-a",
                "parley.chat.presence.grace=1s"})
@Import(TestJwt.class)
class PresenceStormBenchmark {

    static final int OBSERVERS = 10;
    static final int PER_OBSERVER = 30;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

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
        nodeB = new org.springframework.boot.builder.SpringApplicationBuilder(ChatNodeTestApp.class, TestJwt.class)
                .run("--server.port=0", "--eureka.client.enabled=false", "--parley.chat.node-id=bench-presence-b",
                        "--parley.chat.presence.grace=1s",
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

    private long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "bench-" + id, Instant.now());
        // Visible to the group's members, as before visibility settings existed (the default,
        // contacts, would show observers nothing and so measure no pushes).
        cassandra.execute("INSERT INTO user_presence (user_id, visibility, hidden) VALUES (?, 'conversations', false)", id);
        return id;
    }

    private void group(List<Long> members) {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        for (long member : members) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)", id, member, now);
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)", member, id, now);
        }
    }

    @Test
    void stormWhileMessagesFlow() throws Exception {
        URI a = URI.create("ws://127.0.0.1:" + port + "/ws/v1");
        URI b = URI.create("ws://127.0.0.1:" + nodeB.getEnvironment().getProperty("local.server.port") + "/ws/v1");
        List<Long> observers = new ArrayList<>();
        List<Long> stormUsers = new ArrayList<>();
        for (int o = 0; o < OBSERVERS; o++) {
            long observer = newUser();
            observers.add(observer);
            List<Long> members = new ArrayList<>(List.of(observer));
            for (int i = 0; i < PER_OBSERVER; i++) {
                long user = newUser();
                stormUsers.add(user);
                members.add(user);
            }
            group(members);
        }
        long alice = newUser();
        long bob = newUser();

        List<WsTestClient> observerClients = new ArrayList<>();
        List<Map<String, String>> seen = new ArrayList<>();
        for (long observer : observers) {
            WsTestClient client = WsTestClient.connect(a, TestJwt.token(observer));
            client.pingEvery(KEEP_ALIVE);
            client.send(Map.of("type", "presence_subscribe", "id", "s"));
            client.nextIgnoringPongs("presence");
            observerClients.add(client);
            seen.add(new ConcurrentHashMap<>());
        }
        int[] frames = new int[1];
        int[] entries = new int[1];
        ExecutorService readers = Executors.newFixedThreadPool(OBSERVERS + 2);
        AtomicBoolean done = new AtomicBoolean();
        for (int o = 0; o < OBSERVERS; o++) {
            WsTestClient client = observerClients.get(o);
            Map<String, String> state = seen.get(o);
            readers.submit(() -> {
                while (!done.get()) {
                    JsonNode frame = client.nextIgnoringPongs("presence");
                    synchronized (frames) {
                        frames[0]++;
                        entries[0] += frame.path("users").size();
                    }
                    frame.path("users").forEach(u -> state.put(u.path("userId").asString(), u.path("status").asString()));
                }
                return null;
            });
        }

        // The 1:1 flow: alice on A -> bob on B, one message every 20 ms; latency = receive - send.
        WsTestClient aliceClient = WsTestClient.connect(a, TestJwt.token(alice));
        WsTestClient bobClient = WsTestClient.connect(b, TestJwt.token(bob));
        aliceClient.pingEvery(KEEP_ALIVE);
        bobClient.pingEvery(KEEP_ALIVE);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>()); // {sentAtNanos, latencyMicros}
        Future<?> sender = readers.submit(() -> {
            int n = 0;
            while (!done.get()) {
                String id = "m-" + n++;
                sentAt.put(id, System.nanoTime());
                aliceClient.send(Map.of("type", "send", "id", id, "to", Long.toString(bob), "text", id));
                // Alice's own messages come back to her session too; only the ack paces the sender.
                aliceClient.nextIgnoring("ack", Set.of("pong", "message"));
                Thread.sleep(20);
            }
            return null;
        });
        Future<?> receiver = readers.submit(() -> {
            while (!done.get()) {
                JsonNode message = bobClient.nextIgnoringPongs("message").path("message");
                long now = System.nanoTime();
                Long sent = sentAt.get(message.path("clientMessageId").asString());
                if (sent != null) {
                    latencies.add(new long[] {sent, (now - sent) / 1000});
                }
            }
            return null;
        });

        Thread.sleep(5_000); // baseline latency without a storm
        long stormStart = System.nanoTime();
        ExecutorService connectors = Executors.newFixedThreadPool(32);
        List<Future<WsTestClient>> connecting = new ArrayList<>();
        for (long user : stormUsers) {
            connecting.add(connectors.submit(() -> {
                WsTestClient c = WsTestClient.connect(b, TestJwt.token(user));
                c.pingEvery(KEEP_ALIVE);
                return c;
            }));
        }
        List<WsTestClient> stormClients = new ArrayList<>();
        for (Future<WsTestClient> f : connecting) {
            stormClients.add(f.get());
        }
        long connected = System.nanoTime();
        awaitAll(seen, observers, stormUsers, "online");
        long onlineSeen = System.nanoTime();
        for (WsTestClient c : stormClients) {
            c.close();
        }
        long leaveStart = System.nanoTime();
        awaitAll(seen, observers, stormUsers, "offline");
        long offlineSeen = System.nanoTime();
        Thread.sleep(2_000);
        done.set(true);
        long stormEnd = offlineSeen;

        List<Long> before = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        synchronized (latencies) {
            for (long[] l : latencies) {
                (l[0] < stormStart ? before : l[0] <= stormEnd ? during : new ArrayList<Long>()).add(l[1]);
            }
        }
        int changes = stormUsers.size();
        System.out.printf("presence-bench: %d users connect to node B at once; %d observers on node A, %d contacts each%n",
                changes, OBSERVERS, PER_OBSERVER);
        System.out.printf("presence-bench: connects done in %d ms; all observers saw all online after %d ms from the first connect -> %.0f online changes/s delivered to %d observer sessions%n",
                ms(connected - stormStart), ms(onlineSeen - stormStart), changes / secs(onlineSeen - stormStart), OBSERVERS);
        System.out.printf("presence-bench: all leave at once; all observers saw all offline after %d ms (grace 1 s included) -> %.0f offline changes/s%n",
                ms(offlineSeen - leaveStart), changes / secs(offlineSeen - leaveStart));
        System.out.printf("presence-bench: observers got %d presence frames carrying %d entries (%d changes x 2 phases; fewer frames = coalescing)%n",
                frames[0], entries[0], changes);
        System.out.printf("presence-bench: 1:1 message latency A->B before the storm p50 %d ms p99 %d ms (n=%d); during the storm p50 %d ms p99 %d ms (n=%d)%n",
                pct(before, 50), pct(before, 99), before.size(), pct(during, 50), pct(during, 99), during.size());
        observerClients.forEach(WsTestClient::close);
        aliceClient.close();
        bobClient.close();
        readers.shutdownNow();
        connectors.shutdownNow();
    }

    private static void awaitAll(List<Map<String, String>> seen, List<Long> observers, List<Long> stormUsers, String status)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int o = 0; o < observers.size() && all; o++) {
                for (int i = o * PER_OBSERVER; i < (o + 1) * PER_OBSERVER; i++) {
                    if (!status.equals(seen.get(o).get(Long.toString(stormUsers.get(i))))) {
                        all = false;
                        break;
                    }
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("observers did not see everyone " + status);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static double secs(long nanos) {
        return nanos / 1e9;
    }

    private static long pct(List<Long> micros, int p) {
        if (micros.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1000;
    }
}
