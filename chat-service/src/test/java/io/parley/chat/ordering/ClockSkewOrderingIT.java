package io.parley.chat.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.ordering.ConversationReplica.Held;
import io.parley.chat.ordering.ConversationReplica.Source;
import io.parley.chat.session.ChatNodeTestApp;
import io.parley.chat.session.WsTestClient;
import io.parley.id.SnowflakeId;
import io.parley.id.lease.CassandraWorkerIdLeaser;
import io.parley.id.lease.LeasedIdGenerator;
import io.parley.id.lease.WorkerIdLeaseSettings;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * Invariants 3 and 4 (one order per conversation; gap-free sync) with two real chat nodes whose
 * clocks disagree: node "fast" runs {@link #FAST_AHEAD} ahead of node "slow". Both are the whole
 * application (sequencer included) in this JVM, on real Kafka and Cassandra; each node's injected
 * {@link Clock} and its Snowflake generator use the skewed time, so both {@code sentAt} and the
 * message ids of the fast node lie about when a message was sent.
 *
 * <p>Four members of one group send 500 messages each, two senders per node, concurrently. Ten
 * devices of the members, spread over both nodes, keep the conversation like a real client
 * ({@link Device}): some lose their connection repeatedly mid-stream and come back on the other
 * node, resyncing from the cursor they hold; some throw away live messages on purpose and must
 * notice the gap. At the end every device must hold exactly the stored order, 1..N, each acked
 * message once, and that order must disagree with what the clocks say (so it cannot have come
 * from them).
 */
class ClockSkewOrderingIT {

    static final Duration FAST_AHEAD = Duration.ofSeconds(7);
    private static final int SENDERS = 4;
    private static final int MESSAGES_PER_SENDER = 500;
    /**
     * Sends of one sender in flight at once (below max-pending-frames, 32): the senders go as
     * fast as their windows allow, several hundred messages a second together; the rate is printed.
     */
    private static final int SEND_WINDOW = 16;
    /** Acks between a flaky device's disconnect and its reconnect. */
    private static final int ACKS_WHILE_AWAY = 150;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static ConfigurableApplicationContext fast;
    private static ConfigurableApplicationContext slow;
    private static CqlSession cassandra;

    @BeforeAll
    static void startNodes() {
        fast = startNode("it-skew-fast", FAST_AHEAD);
        slow = startNode("it-skew-slow", Duration.ZERO);
        cassandra = fast.getBean(CqlSession.class);
    }

    @AfterAll
    static void stopNodes() {
        if (slow != null) {
            slow.close();
        }
        if (fast != null) {
            fast.close();
        }
    }

    /** A chat node in this JVM with its own id, port and clock. */
    private static ConfigurableApplicationContext startNode(String nodeId, Duration clockOffset) {
        var kafka = RealInfrastructure.kafka();
        var store = RealInfrastructure.cassandra();
        // Command-line arguments win over application.yml (which names the local run's servers).
        return new SpringApplicationBuilder(ChatNodeTestApp.class, TestJwt.class, SkewedClock.class)
                .run("--server.port=0",
                        "--eureka.client.enabled=false",
                        "--parley.chat.node-id=" + nodeId,
                        "--parley.test.clock-offset=" + clockOffset.toMillis() + "ms",
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--spring.cassandra.contact-points=" + store.contactPoint(),
                        "--spring.cassandra.local-datacenter=" + store.localDatacenter(),
                        "--spring.cassandra.keyspace-name=" + store.keyspace());
    }

    /**
     * The node's clock, shifted: replaces CoreConfig's {@code Clock} for every bean of the node, and
     * drives the node's Snowflake generator too (a real host with a wrong clock gets wrong ids).
     */
    @Configuration(proxyBeanMethods = false)
    static class SkewedClock {

        @Bean
        @Primary
        Clock skewedClock(@Value("${parley.test.clock-offset}") Duration offset) {
            return Clock.offset(Clock.systemUTC(), offset);
        }

        /** Takes the place of the auto-configured generator (it is conditional on a missing bean). */
        @Bean(destroyMethod = "")
        LeasedIdGenerator idGenerator(CqlSession session, Clock clock) {
            var lease = new CassandraWorkerIdLeaser(session, WorkerIdLeaseSettings.ofTtl(Duration.ofSeconds(30)))
                    .acquire();
            return new LeasedIdGenerator(lease, clock);
        }

        /**
         * Ids issued on a clock 7 s ahead must not be issued again by the next holder of this worker
         * id (another test's context, on the true clock): leave the lease to expire by its TTL
         * (30 s) instead of handing it back at once.
         */
        @Bean
        DisposableBean abandonSkewedLease(LeasedIdGenerator ids) {
            return () -> ids.lease().abandon();
        }
    }

    /** One acked send, as its sender saw it. */
    record Acked(String clientId, String messageId, long sentAt, long receivedAt, boolean viaFastNode) {
    }

    @Test
    void everyDeviceEndsWithTheStoredGapFreeOrderWhichTheSkewedClocksCouldNotHaveGiven() throws Exception {
        URI fastWs = ws(fast);
        URI slowWs = ws(slow);
        long[] members = new long[SENDERS];
        for (int i = 0; i < SENDERS; i++) {
            members[i] = newUser();
        }
        long conversation = newGroup(members);

        // Senders alternate nodes; every member also has devices on both nodes.
        List<Device> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(new Device("m" + i + "-phone", members[i], conversation));
        }
        Device m0Laptop = new Device("m0-laptop", members[0], conversation);
        Device m1Laptop = new Device("m1-laptop", members[1], conversation);
        Device m2Laptop = new Device("m2-laptop", members[2], conversation);
        Device m3Laptop = new Device("m3-laptop", members[3], conversation);
        Device m0Tablet = new Device("m0-tablet", members[0], conversation);
        Device m1Tablet = new Device("m1-tablet", members[1], conversation);
        Device m2Tablet = new Device("m2-tablet", members[2], conversation);
        List<Device> flaky = List.of(m0Laptop, m1Laptop, m3Laptop, m2Tablet);
        List<Device> droppers = List.of(m2Laptop, m3Laptop, m0Tablet);
        List<Device> all = new ArrayList<>(senders);
        all.addAll(List.of(m0Laptop, m1Laptop, m2Laptop, m3Laptop, m0Tablet, m1Tablet, m2Tablet));

        Map<Device, URI> home = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            home.put(all.get(i), i % 2 == 0 ? fastWs : slowWs);
        }
        m2Laptop.dropEveryNthLive(7);
        m3Laptop.dropEveryNthLive(5);
        m0Tablet.dropEveryNthLive(11);

        Map<String, Acked> acked = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(SENDERS + 1);
        try {
            for (Device device : all) {
                device.connect(home.get(device));
                // The stream lasts longer than the idle timeout: listeners ping as real clients do.
                device.keepAlive(Duration.ofSeconds(10));
            }
            // Every welcome sync answered before anyone sends: a late welcome answer would bring
            // messages before they arrive live, and a dropper would then only drop copies it holds.
            await().atMost(PATIENCE).until(() -> all.stream().allMatch(Device::settled));
            // And the conversation's sequencer running: a node joining the sequencer group can wait
            // seconds for a rebalance (other test contexts in this JVM are members too), and sends
            // acked during that pause would all arrive live after phase 1, with drops switched off.
            ack(senders.get(0), "warm-up", "warm-up", home.get(senders.get(0)).equals(fastWs), acked);
            awaitEveryDeviceHolds(all, 1);

            // Phase 1: concurrent senders on both nodes while flaky devices come and go.
            long phaseOneStarted = System.nanoTime();
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Future<?>> sends = new ArrayList<>();
            for (Device sender : senders) {
                boolean viaFast = home.get(sender).equals(fastWs);
                sends.add(threads.submit(() -> {
                    sendAll(sender, viaFast, acked);
                    return null;
                }));
            }
            AtomicInteger reconnects = new AtomicInteger();
            Future<?> chaos = threads.submit(() -> {
                for (int round = 0; sending.get(); round++) {
                    Device device = flaky.get(round % flaky.size());
                    URI other = device.node().equals(fastWs) ? slowWs : fastWs;
                    device.disconnect();
                    int before = acked.size();
                    // Pacing, not an assertion: stay away while the others exchange some messages.
                    while (sending.get() && acked.size() < before + ACKS_WHILE_AWAY) {
                        Thread.sleep(10);
                    }
                    device.connect(other);
                    reconnects.incrementAndGet();
                }
                return null;
            });
            for (Future<?> send : sends) {
                send.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            double sendingSeconds = (System.nanoTime() - phaseOneStarted) / 1e9;
            System.out.printf("clock-skew IT: %d messages acked in %.1f s: %.0f msgs/s%n", SENDERS * MESSAGES_PER_SENDER,
                    sendingSeconds, SENDERS * MESSAGES_PER_SENDER / sendingSeconds);
            sending.set(false);
            chaos.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(acked).hasSize(SENDERS * MESSAGES_PER_SENDER + 1);
            assertThat(reconnects.get()).as("flaky devices reconnected mid-stream").isGreaterThanOrEqualTo(flaky.size());

            // Phase 2: one more message; any device that threw away the previous last one sees it
            // as a gap now. (Each sender learns the seq of its own messages by sync after the ack.)
            droppers.forEach(d -> d.dropEveryNthLive(0));
            ack(senders.get(1), "closing", "the end", false, acked);
            long total = acked.size();
            awaitEveryDeviceHolds(all, total);

            // Phase 3, deterministic: a device that holds n, drops n+1 and then receives n+2 has
            // a gap, syncs, and gets exactly n+1; a sync at the newest seq is "nothing new".
            Device probe = m1Tablet;
            long n = total;
            probe.dropNextLive();
            ack(senders.get(0), "probe-1", "you will miss this", true, acked);
            await().atMost(PATIENCE).until(() -> probe.droppedOnPurpose().contains(n + 1));
            assertThat(probe.replica.cursor()).isEqualTo(n);
            assertThat(probe.replica.hasGap()).as("without n+2 the device cannot know").isFalse();
            int gapSyncsBefore = probe.gapSyncs.get();
            ack(senders.get(0), "probe-2", "and notice the gap by this", true, acked);
            await().atMost(PATIENCE).until(() -> probe.replica.cursor() == n + 2);
            assertThat(probe.gapSyncs.get()).isGreaterThan(gapSyncsBefore);
            assertThat(probe.replica.get(n + 1).source()).isEqualTo(Source.SYNC);
            assertThat(probe.replica.get(n + 2).source()).isEqualTo(Source.LIVE);
            assertGapAndNothingNewAnswers(members[1], fastWs, conversation, n);

            total = acked.size();
            awaitEveryDeviceHolds(all, total);

            // Printed before the checks, so a failure shows what each device went through.
            for (Device device : all) {
                System.out.printf("clock-skew IT: %s connections=%d syncs=%d gapSyncs=%d live=%d dropped=%d duplicates=%d%n",
                        device.name, device.connections.get(), device.syncsSent.get(), device.gapSyncs.get(),
                        device.liveReceived.get(), device.droppedOnPurpose().size(), device.replica.duplicates());
            }

            // The order as stored, and as a device that knows nothing gets it (sync from 0).
            List<String> stored = storedOrder(conversation);
            assertThat(stored).hasSize((int) total);
            assertThat(syncFromZero(members[3], slowWs, conversation)).isEqualTo(stored);

            // Every device: exactly that order, 1..N, no duplicate, nothing conflicting, no error.
            for (Device device : all) {
                List<Held> history = device.replica.history();
                assertThat(history).as(device.name).extracting(Held::seq)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
                assertThat(history).as(device.name).extracting(Held::messageId).containsExactlyElementsOf(stored);
                assertThat(device.replica.conflicts()).as(device.name).isEmpty();
                assertThat(device.errors()).as(device.name).isEmpty();
                assertThat(device.failures()).as(device.name).isEmpty();
            }
            // Every acked message exactly once, and nothing that was not acked.
            assertThat(stored).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(acked.values().stream().map(Acked::messageId).toList());
            assertThat(m1Tablet.replica.history()).extracting(Held::clientMessageId).doesNotHaveDuplicates();

            // Devices that lost live messages found them again by sync; flaky ones really came back.
            for (Device device : droppers) {
                if (!flaky.contains(device)) {
                    // (A flaky dropper may get too few messages live to reach its Nth: its drops are a bonus.)
                    assertThat(device.droppedOnPurpose()).as(device.name).isNotEmpty();
                    // (A flaky one may reconnect before a later message reveals the gap: its
                    // welcome sync fills it instead, which is just as correct.)
                    assertThat(device.gapSyncs.get()).as(device.name).isPositive();
                    // One connection: the node never sends a seq twice to a session, so only a sync
                    // can have brought it back. (A reconnected device may get it live on the new one.)
                    assertThat(device.droppedOnPurpose()).as(device.name).allSatisfy(seq ->
                            assertThat(device.replica.get(seq).source()).isEqualTo(Source.SYNC));
                }
            }
            assertThat(flaky).allSatisfy(d -> {
                assertThat(d.connections.get()).as(d.name).isGreaterThanOrEqualTo(2);
                // What it missed while away came by sync from its cursor, not live.
                assertThat(d.replica.history()).as(d.name).anyMatch(h -> h.source() == Source.SYNC);
            });

            assertTheClocksWereSkewedAndDisagreeWithTheOrder(acked, m1Tablet.replica.history());
        } finally {
            all.forEach(Device::close);
            threads.shutdownNow();
        }
    }

    private static void sendAll(Device sender, boolean viaFast, Map<String, Acked> acked) throws Exception {
        Semaphore window = new Semaphore(SEND_WINDOW);
        List<CompletableFuture<JsonNode>> pending = new ArrayList<>();
        for (int i = 1; i <= MESSAGES_PER_SENDER; i++) {
            window.acquire();
            String clientId = sender.name + "-" + i;
            CompletableFuture<JsonNode> ack = sender.send(clientId, sender.name + " says " + i);
            pending.add(ack.whenComplete((frame, error) -> {
                if (frame != null) {
                    acked.put(clientId, acked(frame, viaFast));
                }
                window.release();
            }));
        }
        for (CompletableFuture<JsonNode> ack : pending) {
            ack.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static void ack(Device sender, String clientId, String text, boolean viaFast, Map<String, Acked> acked)
            throws Exception {
        JsonNode frame = sender.send(clientId, text).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        acked.put(clientId, acked(frame, viaFast));
    }

    private static Acked acked(JsonNode frame, boolean viaFast) {
        return new Acked(frame.path("id").asString(), frame.path("messageId").asString(),
                frame.path("sentAt").asLong(), System.currentTimeMillis(), viaFast);
    }

    private static void awaitEveryDeviceHolds(List<Device> devices, long total) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(devices).allSatisfy(d -> {
                    assertThat(d.replica.cursor()).as(d.toString()).isEqualTo(total);
                    assertThat(d.replica.hasGap()).as(d.toString()).isFalse();
                }));
    }

    /**
     * Asked with the cursor n, the server answers the missing n+1 and n+2; asked with n+2, it answers
     * nothing and {@code more=false}: "nothing new" is an empty answer, never a silent hole.
     */
    private static void assertGapAndNothingNewAnswers(long user, URI node, long conversation, long n) throws Exception {
        String id = Long.toString(conversation);
        try (WsTestClient client = WsTestClient.connect(node, TestJwt.token(user))) {
            client.send(Map.of("type", "sync", "cursors", Map.of(id, Long.toString(n))));
            JsonNode missed = client.next("sync_result");
            assertThat(missed.path("messages")).extracting(m -> m.path("seq").asLong()).containsExactly(n + 1, n + 2);
            assertThat(missed.path("more").asBoolean()).isFalse();

            client.send(Map.of("type", "sync", "cursors", Map.of(id, Long.toString(n + 2))));
            JsonNode nothingNew = client.next("sync_result");
            assertThat(nothingNew.path("messages")).isEmpty();
            assertThat(nothingNew.path("more").asBoolean()).isFalse();
        }
    }

    /** Message ids by seq, read from the message store. */
    private static List<String> storedOrder(long conversation) {
        List<Row> rows = new ArrayList<>();
        // Fewer than 4096 messages: all in bucket 0 (bucket = (seq - 1) / 4096).
        cassandra.execute("SELECT seq, message_id FROM messages WHERE conversation_id = ? AND bucket = 0",
                conversation).forEach(rows::add);
        rows.sort(Comparator.comparingLong(r -> r.getLong("seq")));
        assertThat(rows).extracting(r -> r.getLong("seq"))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, rows.size()).boxed().toList());
        return rows.stream().map(r -> Long.toString(r.getLong("message_id"))).toList();
    }

    /** A new device of the user: sync from cursor 0, following {@code more}; message ids in answer order. */
    private static List<String> syncFromZero(long user, URI node, long conversation) throws Exception {
        List<String> ids = new ArrayList<>();
        long cursor = 0;
        try (WsTestClient client = WsTestClient.connect(node, TestJwt.token(user))) {
            boolean more = true;
            while (more) {
                client.send(Map.of("type", "sync", "limit", 100,
                        "cursors", Map.of(Long.toString(conversation), Long.toString(cursor))));
                JsonNode page = client.next("sync_result");
                for (JsonNode m : page.path("messages")) {
                    assertThat(m.path("seq").asLong()).isEqualTo(cursor + 1);
                    cursor = m.path("seq").asLong();
                    ids.add(m.path("messageId").asString());
                }
                more = page.path("more").asBoolean();
            }
        }
        return ids;
    }

    /**
     * The fast node's clock really was ahead (its sentAt lies in the future of the moment the ack
     * arrived; the slow node's never does), and the seq order contradicts both sentAt and the
     * Snowflake ids' time: sorting by either would show the members a different conversation.
     */
    private static void assertTheClocksWereSkewedAndDisagreeWithTheOrder(Map<String, Acked> acked, List<Held> history) {
        assertThat(acked.values()).filteredOn(Acked::viaFastNode).isNotEmpty()
                .allSatisfy(a -> assertThat(a.sentAt()).as(a.clientId()).isGreaterThan(a.receivedAt()));
        assertThat(acked.values()).filteredOn(a -> !a.viaFastNode()).isNotEmpty()
                .allSatisfy(a -> assertThat(a.sentAt()).as(a.clientId()).isLessThanOrEqualTo(a.receivedAt()));

        Map<String, Acked> byMessageId = new HashMap<>();
        acked.values().forEach(a -> byMessageId.put(a.messageId(), a));
        int sentAtInversions = 0;
        int idInversions = 0;
        long latestSentAt = Long.MIN_VALUE;
        long latestId = Long.MIN_VALUE;
        Set<Boolean> inversionCrossesNodes = new HashSet<>();
        Acked latestBySentAt = null;
        for (Held held : history) {
            long id = Long.parseLong(held.messageId());
            // A later seq with an earlier time than something before it: an inversion.
            if (held.sentAt() < latestSentAt) {
                sentAtInversions++;
                Acked later = byMessageId.get(held.messageId());
                inversionCrossesNodes.add(latestBySentAt.viaFastNode() != later.viaFastNode());
            }
            if (id < latestId) {
                idInversions++;
            }
            if (held.sentAt() > latestSentAt) {
                latestSentAt = held.sentAt();
                latestBySentAt = byMessageId.get(held.messageId());
            }
            latestId = Math.max(latestId, id);
            // The id's own timestamp carries the node's skew as well.
            assertThat(SnowflakeId.decode(id).timestamp().toEpochMilli())
                    .isBetween(held.sentAt() - FAST_AHEAD.toMillis(), held.sentAt() + FAST_AHEAD.toMillis());
        }
        System.out.printf("clock-skew IT: %d messages, %d sentAt inversions, %d id inversions%n",
                history.size(), sentAtInversions, idInversions);
        assertThat(sentAtInversions).as("messages whose sentAt is earlier than a message before them").isPositive();
        assertThat(idInversions).as("messages whose Snowflake id is smaller than one before them").isPositive();
        assertThat(inversionCrossesNodes).as("inversions between a fast-node and a slow-node message").contains(true);

        List<String> bySeq = history.stream().map(Held::messageId).toList();
        List<String> bySentAt = history.stream().sorted(Comparator.comparingLong(Held::sentAt)
                .thenComparing(Held::messageId)).map(Held::messageId).toList();
        List<String> byId = history.stream().sorted(Comparator.comparingLong(h -> Long.parseLong(h.messageId())))
                .map(Held::messageId).toList();
        assertThat(bySentAt).isNotEqualTo(bySeq);
        assertThat(byId).isNotEqualTo(bySeq);
    }

    private static URI ws(ConfigurableApplicationContext node) {
        return URI.create("ws://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port") + "/ws/v1");
    }

    private static long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-skew-" + id, Instant.now());
        return id;
    }

    /** A group conversation written as api-service's groups feature would (it is being built). */
    private static long newGroup(long... members) {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        Instant now = Instant.now();
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, ?, ?)",
                id, "group", now);
        for (long member : members) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    id, member, now);
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                    member, id, now);
        }
        return id;
    }
}
