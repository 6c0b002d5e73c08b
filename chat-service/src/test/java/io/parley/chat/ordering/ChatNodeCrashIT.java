package io.parley.chat.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.ordering.ConversationReplica.Held;
import io.parley.chat.ordering.ConversationReplica.Source;
import io.parley.chat.presence.ChatNodeProcess;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "A killed chat node neither loses nor doubles anything" (ARCHITECTURE.md invariants 1-4), with
 * real {@code kill -9}: two chat nodes A and B are child JVMs ({@link ChatNodeProcess}) on real
 * Kafka and Cassandra.
 *
 * <p>Two groups of four members each get a steady stream of messages from four senders (every
 * member sends from one device), two on each node; a second device of one member only listens.
 * Group X's Kafka partition is sequenced by B, group Y's by A (chosen by asking Kafka who owns
 * which partition of {@code parley-sequencer}). Mid-stream, while sends are in flight, B is
 * SIGKILLed: its sessions break, its unacked sends are lost on the wire, and X's sequencer dies
 * with records in hand. Every device that was on B reconnects to A, resyncs from its cursor, and
 * its sender resends each pending message with the same client id, marked as a resend. B is started
 * again with the same node id, devices that lived on B move back, and then A is SIGKILLed the same
 * way (now Y's sequencer dies).
 *
 * <p>At the end, after every send is acked and the sequencer has read everything: each group's
 * stored history (Cassandra {@code messages}) is seq 1..N with no hole, holds every acked message
 * exactly once (by message id and by sender + client id), nothing that was never sent, and every
 * device of the group holds exactly that history. Retried sends appear once each; an id acked
 * twice is acked with the same message both times.
 *
 * <p>The nodes run with chat-service's Kafka consumer session timeout (10 s, application.yml):
 * how long a killed sequencer's partitions wait before another node takes them (acked messages
 * wait, none are lost). Every wait is bounded but generous; nothing asserts speed.
 */
class ChatNodeCrashIT {

    private static final String NODE_A = "it-crash-a";
    private static final String NODE_B = "it-crash-b";
    private static final String SEQUENCER_GROUP = "parley-sequencer";
    private static final String STORAGE_GROUP = "parley-storage";

    /** Unacked sends one sender keeps at once (below max-pending-frames, 32). */
    private static final int WINDOW = 24;
    /**
     * Sends per second of each of the eight senders: 1,200 msgs/s offered in all, on a fixed schedule
     * (a sender that falls behind catches up as its window allows), above what the nodes achieve
     * here so that the achieved rate is theirs, not the schedule's. It is printed, never asserted:
     * these machines are shared.
     */
    private static final int RATE_PER_SENDER = 150;
    private static final int SENDERS = 8;
    /** The stream runs until this many more messages are acked, then a node is killed mid-stream. */
    private static final int ACKS_BEFORE_KILL = 1500;
    /** Messages the stream still creates after a kill (all senders together), then it pauses. */
    private static final int MESSAGES_AFTER_KILL = 3000;
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    private static ChatNodeProcess nodeA;
    private static volatile ChatNodeProcess nodeB;
    private static CqlSession cassandra;
    private static Admin kafka;
    private static String kafkaBootstrap;

    @BeforeAll
    static void start() throws Exception {
        var kafkaEndpoint = RealInfrastructure.kafka();
        var store = RealInfrastructure.cassandra();
        cassandra = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(store.host(), store.port()))
                .withLocalDatacenter(store.localDatacenter())
                .withKeyspace(store.keyspace())
                .build();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaEndpoint.bootstrapServers());
        kafka = Admin.create(admin);
        kafkaBootstrap = kafkaEndpoint.bootstrapServers();
        // Both at once: each start is mostly waiting for a JVM and Spring to come up.
        CompletableFuture<ChatNodeProcess> a = CompletableFuture.supplyAsync(() -> startNode(NODE_A));
        CompletableFuture<ChatNodeProcess> b = CompletableFuture.supplyAsync(() -> startNode(NODE_B));
        try {
            nodeA = a.join();
        } finally {
            nodeB = b.join();
        }
    }

    @AfterAll
    static void stop() {
        for (ChatNodeProcess node : new ChatNodeProcess[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (cassandra != null) {
            cassandra.close();
        }
    }

    private static ChatNodeProcess startNode(String nodeId) {
        try {
            // The consumer client id names the node, so the group's members say which node they are.
            // The senders offer RATE_PER_SENDER (above the default send limit of one session, 100/s)
            // to measure what the nodes achieve, so the rate limits are off here.
            return ChatNodeProcess.start(nodeId, "spring.kafka.consumer.client-id=" + nodeId,
                    "parley.chat.rate-limits.enabled=false");
        } catch (Exception e) {
            throw new IllegalStateException("could not start chat node " + nodeId, e);
        }
    }

    /** One device of the test, with the node it should be on when that node is up. */
    private static final class Client {
        final Device device;
        final PendingSender sender; // null for a device that only listens
        final String group;
        /** Where discovery would send it: its reconnects go there whenever that node is up. */
        final String homeNode;
        final AtomicBoolean reconnecting = new AtomicBoolean();

        Client(Device device, PendingSender sender, String group, String homeNode) {
            this.device = device;
            this.sender = sender;
            this.group = group;
            this.homeNode = homeNode;
        }
    }

    /** Live nodes by node id; a killed node is removed until it is started again. */
    private final Map<String, ChatNodeProcess> live = new ConcurrentHashMap<>();

    @Test
    void killedChatNodesNeitherLoseNorDoubleAnAckedMessage() throws Exception {
        long started = System.nanoTime();
        live.put(NODE_A, nodeA);
        live.put(NODE_B, nodeB);

        // Two groups; X's partition is sequenced by B (killed first), Y's by A (killed second).
        Map<Integer, String> owners = awaitSequencerOwners(o -> o.containsValue(NODE_A) && o.containsValue(NODE_B));
        long[] xMembers = {newUser(), newUser(), newUser(), newUser()};
        long[] yMembers = {newUser(), newUser(), newUser(), newUser()};
        long x = newGroup(NODE_B, owners, xMembers);
        long y = newGroup(NODE_A, owners, yMembers);
        Map<String, Long> conversations = Map.of("X", x, "Y", y);

        List<Client> clients = new ArrayList<>();
        for (var entry : List.of(Map.entry("X", xMembers), Map.entry("Y", yMembers))) {
            String g = entry.getKey();
            long[] m = entry.getValue();
            long conversation = conversations.get(g);
            clients.add(sender(g + "-m0-phone", m[0], conversation, g, NODE_A));
            clients.add(sender(g + "-m1-phone", m[1], conversation, g, NODE_B));
            clients.add(listener(g + "-m0-laptop", m[0], conversation, g, NODE_B));
            clients.add(sender(g + "-m2-laptop", m[2], conversation, g, NODE_A));
            clients.add(sender(g + "-m3-tablet", m[3], conversation, g, NODE_B));
        }
        List<PendingSender> senders = clients.stream().filter(c -> c.sender != null).map(c -> c.sender).toList();

        AtomicBoolean running = new AtomicBoolean(true);
        Budget budget = new Budget();
        ExecutorService threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "crash-it");
            thread.setDaemon(true);
            return thread;
        });
        List<String> killReports = new ArrayList<>();
        try {
            for (Client client : clients) {
                client.device.connect(live.get(client.homeNode).ws());
                client.device.keepAlive(Duration.ofSeconds(10));
            }
            threads.submit(() -> superviseConnections(clients, running, threads));
            for (PendingSender sender : senders) {
                threads.submit(() -> stream(sender, running, budget));
            }

            // Phase 1: both nodes up; B dies mid-stream (the stream is open until the kill).
            budget.open();
            long streamStarted = System.nanoTime();
            awaitAcks(senders, ACKS_BEFORE_KILL);
            killReports.add(rate("before the kill of B", ACKS_BEFORE_KILL, streamStarted));
            killReports.add(killMidStream(NODE_B, clients, x, owners));
            long afterKill = System.nanoTime();
            int sentBeforeClose = budget.created();
            int total = budget.closeAfter(MESSAGES_AFTER_KILL); // the stream goes on through the crash
            awaitEverySendAcked(senders, total);
            killReports.add(rate("from the kill of B until every send was acked", total - sentBeforeClose, afterKill));
            awaitConnected(clients);

            // Phase 2: B comes back under the same node id; its devices move back to it.
            nodeB = startNode(NODE_B);
            live.put(NODE_B, nodeB);
            for (Client client : clients) {
                if (client.homeNode.equals(NODE_B)) {
                    client.device.disconnect(); // discovery would now send it to B again
                }
            }
            awaitConnected(clients);
            assertThat(clients).filteredOn(c -> c.homeNode.equals(NODE_B))
                    .allSatisfy(c -> assertThat(c.device.node()).isEqualTo(nodeB.ws()));

            // Phase 3: A dies mid-stream; everyone ends on B.
            owners = awaitSequencerOwners(o -> o.containsValue(NODE_A) && o.containsValue(NODE_B));
            int acksBefore = acked(senders);
            budget.open();
            streamStarted = System.nanoTime();
            awaitAcks(senders, acksBefore + ACKS_BEFORE_KILL);
            killReports.add(rate("before the kill of A", ACKS_BEFORE_KILL, streamStarted));
            killReports.add(killMidStream(NODE_A, clients, y, owners));
            afterKill = System.nanoTime();
            sentBeforeClose = budget.created();
            total = budget.closeAfter(MESSAGES_AFTER_KILL);
            awaitEverySendAcked(senders, total);
            killReports.add(rate("from the kill of A until every send was acked", total - sentBeforeClose, afterKill));
            running.set(false);
            awaitConnected(clients);

            // Everything published has been sequenced (no lag left on either group's partition),
            // and everything sequenced has been stored (the storage step runs behind the sequencer,
            // by seconds after a kill moved its partition), so nothing can still be stored after
            // the checks below.
            awaitSequencerCaughtUp(x, y);
            awaitStorageCaughtUp(x, y);
            long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            for (String g : List.of("X", "Y")) {
                long conversation = conversations.get(g);
                List<Client> members = clients.stream().filter(c -> c.group.equals(g)).toList();
                List<PendingSender> groupSenders = members.stream().filter(c -> c.sender != null).map(c -> c.sender).toList();
                List<Row> stored = storedMessages(conversation);
                awaitEveryDeviceHolds(members, stored.size());
                assertGroup(g, stored, members, groupSenders);
            }
            killReports.forEach(report -> System.out.println("chat-node-crash IT: " + report));
            printCounts(clients, senders, elapsedSeconds);
        } finally {
            running.set(false);
            clients.forEach(c -> c.device.close());
            threads.shutdownNow();
        }
    }

    /** The achieved rate of a phase, for the log (a figure, not an assertion). */
    private static String rate(String phase, int messages, long sinceNanos) {
        double seconds = (System.nanoTime() - sinceNanos) / 1e9;
        return String.format("%d messages acked %s in %.1f s: %.0f msgs/s (offered %d msgs/s)",
                messages, phase, seconds, messages / seconds, RATE_PER_SENDER * SENDERS);
    }

    private Client sender(String name, long user, long conversation, String group, String home) {
        Device device = new Device(name, user, conversation);
        return new Client(device, new PendingSender(device, WINDOW), group, home);
    }

    private Client listener(String name, long user, long conversation, String group, String home) {
        return new Client(new Device(name, user, conversation), null, group, home);
    }

    /** How many messages all senders together may create: open-ended until a kill, then a fixed number more. */
    private static final class Budget {
        private int allowed;
        private int created;

        synchronized void open() {
            allowed = Integer.MAX_VALUE;
        }

        /** Lets the stream create {@code more} messages, then pause; returns the total created by then. */
        synchronized int closeAfter(int more) {
            allowed = created + more;
            return allowed;
        }

        synchronized int created() {
            return created;
        }

        synchronized boolean take() {
            if (created < allowed) {
                created++;
                return true;
            }
            return false;
        }
    }

    /**
     * A sender's stream: a new message at each tick of its schedule ({@link #RATE_PER_SENDER}) when
     * its window and the budget allow; ticks missed while the window was full are caught up.
     */
    private static Void stream(PendingSender sender, AtomicBoolean running, Budget budget) throws InterruptedException {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE_PER_SENDER;
        long next = System.nanoTime();
        while (running.get()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (sender.hasRoom() && budget.take()) {
                sender.sendNext();
                next += intervalNanos;
            } else {
                // Window full or budget closed: look again shortly, without falling behind further.
                next = Math.max(next, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        return null;
    }

    /**
     * Brings back every device whose connection is gone, like a real client: to its home node if
     * that is up, else to another live node; then the device syncs from its cursor (on welcome),
     * and its sender resends every pending message with its original id.
     */
    private Void superviseConnections(List<Client> clients, AtomicBoolean running, ExecutorService threads)
            throws InterruptedException {
        while (running.get() || clients.stream().anyMatch(c -> !c.device.connected())) {
            for (Client client : clients) {
                if (!client.device.connected() && client.reconnecting.compareAndSet(false, true)) {
                    threads.submit(() -> {
                        try {
                            reconnect(client);
                        } finally {
                            client.reconnecting.set(false);
                        }
                    });
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    private void reconnect(Client client) {
        ChatNodeProcess target = live.get(client.homeNode);
        if (target == null) {
            target = live.values().stream().findFirst().orElse(null);
        }
        if (target == null) {
            return;
        }
        try {
            client.device.connect(target.ws());
            if (client.sender != null) {
                client.sender.resendPending();
            }
        } catch (Exception e) {
            // Node not ready yet or just killed: the supervisor tries again shortly.
            try {
                Thread.sleep(500);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * SIGKILLs the node while its senders have sends in flight (pending, unacked), so some acks are
     * lost with the connection and the sequencer (if it is this node) dies with records in hand.
     */
    private String killMidStream(String nodeId, List<Client> clients, long conversation, Map<Integer, String> owners)
            throws Exception {
        ChatNodeProcess victim = live.get(nodeId);
        List<Client> onVictim = clients.stream().filter(c -> victim.ws().equals(c.device.node())).toList();
        List<PendingSender> victimSenders = onVictim.stream().filter(c -> c.sender != null).map(c -> c.sender).toList();
        assertThat(victimSenders).as("senders on " + nodeId).isNotEmpty();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(() ->
                victimSenders.stream().mapToInt(PendingSender::pendingCount).sum() >= 2);
        int inFlight = victimSenders.stream().mapToInt(PendingSender::pendingCount).sum();
        boolean sequencer = nodeId.equals(owners.get(partitionOf(conversation)));
        int unsequenced = ackedButNotYetSeen(clients, conversation);
        victim.kill();
        live.remove(nodeId);
        // Every session of the victim breaks; its devices notice and come back on the survivor.
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(onVictim)
                .allSatisfy(c -> assertThat(c.device.connectionsLost.get()).as(c.device.name).isPositive()));
        return String.format("killed %s (sequencer of the group's partition: %s) with %d sends in flight on it, "
                        + "%d devices on it, %d acked messages of the group not yet seen by any device",
                victim, sequencer, inFlight, onVictim.size(), unsequenced);
    }

    /** Acked messages of the conversation that no device holds yet: still on their way through the sequencer. */
    private static int ackedButNotYetSeen(List<Client> clients, long conversation) {
        List<Client> group = clients.stream().filter(c -> c.device.replica.conversationId() == conversation).toList();
        Set<String> seen = new HashSet<>();
        group.forEach(c -> c.device.replica.history().forEach(h -> seen.add(h.messageId())));
        return (int) group.stream().filter(c -> c.sender != null)
                .flatMap(c -> c.sender.acks().values().stream())
                .filter(ack -> !seen.contains(ack.messageId()))
                .count();
    }

    private static int acked(List<PendingSender> senders) {
        return senders.stream().mapToInt(s -> s.acks().size()).sum();
    }

    private static void awaitAcks(List<PendingSender> senders, int atLeast) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> acked(senders) >= atLeast);
    }

    /** Every message the budget allowed is created, and acked (the retries have all come through). */
    private static void awaitEverySendAcked(List<PendingSender> senders, int total) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(senders.stream().mapToInt(s -> s.created().size()).sum()).isEqualTo(total);
            assertThat(senders).allSatisfy(s -> assertThat(s.pendingCount()).as(s.device.toString()).isZero());
        });
    }

    private static void awaitConnected(List<Client> clients) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(clients).allSatisfy(c -> assertThat(c.device.connected()).as(c.device.toString()).isTrue()));
    }

    private static void awaitEveryDeviceHolds(List<Client> clients, long total) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(clients).allSatisfy(c -> {
                    assertThat(c.device.replica.cursor()).as(c.device.toString()).isEqualTo(total);
                    assertThat(c.device.replica.hasGap()).as(c.device.toString()).isFalse();
                }));
    }

    /**
     * The stored history of one group, checked against what its senders created and were acked,
     * and against what every device of the group holds.
     */
    private static void assertGroup(String group, List<Row> stored, List<Client> devices, List<PendingSender> senders) {
        // Dense: 1..N, no hole (a hole that never fills would be a lost message).
        assertThat(stored).as(group + " stored seqs").extracting(r -> r.getLong("seq"))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, stored.size()).boxed().toList());

        Map<String, PendingSender.Ack> acks = new HashMap<>();
        Set<String> createdIds = new HashSet<>();
        Map<String, Long> senderOf = new HashMap<>();
        for (PendingSender sender : senders) {
            assertThat(sender.ackConflicts()).as(sender.device.name + ": one id, one ack").isEmpty();
            assertThat(sender.refusals()).as(sender.device.name + ": refused sends").isEmpty();
            acks.putAll(sender.acks());
            for (String id : sender.created()) {
                createdIds.add(id);
                senderOf.put(id, sender.device.userId);
            }
        }
        assertThat(acks.keySet()).as(group + ": every created message was acked in the end").isEqualTo(createdIds);

        // Every acked message exactly once, by message id and by (sender, client id); nothing else.
        List<String> storedIds = stored.stream().map(r -> Long.toString(r.getLong("message_id"))).toList();
        List<String> storedClientIds = stored.stream().map(r -> r.getString("client_message_id")).toList();
        Set<String> retriedIds = new HashSet<>();
        senders.forEach(sender -> retriedIds.addAll(sender.retried()));
        String mismatch = describeMismatch(stored, acks, retriedIds);
        assertThat(storedIds).as(group + " stored message ids" + mismatch).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(acks.values().stream().map(PendingSender.Ack::messageId).toList());
        assertThat(storedClientIds).as(group + " stored client ids").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(createdIds);
        for (Row row : stored) {
            String clientId = row.getString("client_message_id");
            assertThat(row.getLong("sender_id")).as(clientId).isEqualTo(senderOf.get(clientId));
            assertThat(Long.toString(row.getLong("message_id"))).as(clientId).isEqualTo(acks.get(clientId).messageId());
        }
        for (PendingSender sender : senders) {
            assertThat(storedClientIds).as(group + ": retried sends of " + sender.device.name + " are stored once each")
                    .containsAll(sender.retried());
        }

        // Every device: exactly the stored history, in the stored order, each seq once.
        for (Client client : devices) {
            Device device = client.device;
            List<Held> history = device.replica.history();
            assertThat(history).as(device.name).extracting(Held::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, stored.size()).boxed().toList());
            assertThat(history).as(device.name).extracting(Held::messageId).containsExactlyElementsOf(storedIds);
            assertThat(history).as(device.name).extracting(Held::clientMessageId).containsExactlyElementsOf(storedClientIds);
            assertThat(device.replica.conflicts()).as(device.name + ": two messages under one seq").isEmpty();
            assertThat(device.failures()).as(device.name).isEmpty();
            assertThat(device.errors()).as(device.name + ": only retryable errors")
                    .allSatisfy(e -> assertThat(e.path("code").asString()).isIn("unavailable", "too_many_requests"));
        }
    }

    /**
     * Which rows and acks disagree, and how (by client id): the lists alone, thousands long, do not
     * say whether a message was lost, stored twice, or stored under another id than its ack.
     */
    private static String describeMismatch(List<Row> stored, Map<String, PendingSender.Ack> acks, Set<String> retried) {
        Map<String, List<String>> rowsByClientId = new HashMap<>();
        Set<String> storedIds = new HashSet<>();
        for (Row row : stored) {
            String messageId = Long.toString(row.getLong("message_id"));
            storedIds.add(messageId);
            rowsByClientId.computeIfAbsent(row.getString("client_message_id"), c -> new ArrayList<>())
                    .add("seq " + row.getLong("seq") + " id " + messageId);
        }
        List<String> problems = new ArrayList<>();
        acks.forEach((clientId, ack) -> {
            List<String> rows = rowsByClientId.getOrDefault(clientId, List.of());
            if (rows.size() != 1 || !storedIds.contains(ack.messageId())) {
                problems.add(clientId + (retried.contains(clientId) ? " (retried)" : "") + ": acked " + ack.messageId()
                        + " sentAt " + ack.sentAt() + ", stored " + rows);
            }
        });
        rowsByClientId.forEach((clientId, rows) -> {
            if (!acks.containsKey(clientId)) {
                problems.add(clientId + ": stored " + rows + ", never acked");
            }
        });
        return problems.isEmpty() ? "" : " (" + problems.size() + " disagree: "
                + String.join("; ", problems.subList(0, Math.min(20, problems.size()))) + ")";
    }

    private static void printCounts(List<Client> clients, List<PendingSender> senders, long elapsedSeconds) {
        int created = senders.stream().mapToInt(s -> s.created().size()).sum();
        int retried = senders.stream().mapToInt(s -> s.retried().size()).sum();
        int acceptedBeforeRetry = senders.stream().mapToInt(s -> s.retriedAfterAnUnseenAccept().size()).sum();
        int retryable = senders.stream().mapToInt(s -> s.retryableAnswers().size()).sum();
        System.out.printf("chat-node-crash IT: %d s; sent %d, acked %d, retried %d (of which the killed node had "
                        + "already accepted %d), retryable error answers %d%n",
                elapsedSeconds, created, acked(senders), retried, acceptedBeforeRetry, retryable);
        for (Client client : clients) {
            Device d = client.device;
            List<Held> history = d.replica.history();
            long live = history.stream().filter(h -> h.source() == Source.LIVE).count();
            System.out.printf("chat-node-crash IT: %s holds %d (live %d, by sync %d), connections %d, lost %d, "
                            + "syncs %d, gap syncs %d, duplicates dropped %d%n",
                    d.name, history.size(), live, history.size() - live, d.connections.get(),
                    d.connectionsLost.get(), d.syncsSent.get(), d.gapSyncs.get(), d.replica.duplicates());
        }
        assertThat(retried).as("sends in flight at a kill were retried").isPositive();
    }

    // --- Kafka: who sequences what ---------------------------------------------------------------

    private static volatile int partitions;

    private static int partitions() throws Exception {
        if (partitions == 0) {
            partitions = kafka.describeTopics(List.of(Topics.MESSAGES_SUBMITTED)).allTopicNames().get()
                    .get(Topics.MESSAGES_SUBMITTED).partitions().size();
        }
        return partitions;
    }

    /** The partition of {@code parley.messages.submitted} a conversation's records go to (Kafka's key hash). */
    private static int partitionOf(long conversation) throws Exception {
        byte[] key = Long.toString(conversation).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions();
    }

    /**
     * Partition → node id of the {@code parley-sequencer} member that owns it, once the group is
     * stable and the condition holds (other members, e.g. chat nodes of other tests in this JVM,
     * appear under their client id).
     */
    private static Map<Integer, String> awaitSequencerOwners(Predicate<Map<Integer, String>> condition) {
        Map<Integer, String> owners = new HashMap<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            ConsumerGroupDescription group = kafka.describeConsumerGroups(List.of(SEQUENCER_GROUP)).all().get()
                    .get(SEQUENCER_GROUP);
            owners.clear();
            for (MemberDescription member : group.members()) {
                String node = member.clientId().startsWith(NODE_A) ? NODE_A
                        : member.clientId().startsWith(NODE_B) ? NODE_B : member.clientId();
                member.assignment().topicPartitions().stream()
                        .filter(tp -> tp.topic().equals(Topics.MESSAGES_SUBMITTED))
                        .forEach(tp -> owners.put(tp.partition(), node));
            }
            return group.groupState() == GroupState.STABLE && condition.test(owners);
        });
        return Map.copyOf(owners);
    }

    /** Waits until the sequencer has committed every record of these conversations' partitions. */
    private static void awaitSequencerCaughtUp(long... conversationIds) throws Exception {
        Set<TopicPartition> partitions = partitionsOf(Topics.MESSAGES_SUBMITTED, conversationIds);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(SEQUENCER_GROUP);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = kafka.listOffsets(latest).all().get();
            return partitions.stream().allMatch(tp -> committed.get(tp) != null
                    && committed.get(tp).offset() >= ends.get(tp).offset());
        });
    }

    /**
     * Waits until the storage step has committed (so written) the last sequenced record of these
     * conversations' partitions. The sequencer writes that topic in transactions, so the log ends
     * in a commit marker (or an aborted transaction of a killed node) that no consumer commits
     * past: the bound is the last record a read_committed reader gets, not the log's end.
     */
    private static void awaitStorageCaughtUp(long... conversationIds) throws Exception {
        Map<TopicPartition, Long> lastRecords = new HashMap<>();
        for (TopicPartition tp : partitionsOf(Topics.MESSAGES_SEQUENCED, conversationIds)) {
            lastRecords.put(tp, lastCommittedRecord(tp));
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(STORAGE_GROUP);
            return lastRecords.entrySet().stream().allMatch(last -> committed.get(last.getKey()) != null
                    && committed.get(last.getKey()).offset() > last.getValue());
        });
    }

    /** The offset of the partition's last record of a committed transaction (-1 for none). */
    private static long lastCommittedRecord(TopicPartition tp) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(List.of(tp));
            long end = reader.endOffsets(List.of(tp)).get(tp);
            // Read back from the end in growing steps until a record turns up.
            for (long from = Math.max(0, end - 100); ; from = Math.max(0, from - 1000)) {
                reader.seek(tp, from);
                long last = -1;
                while (reader.position(tp) < end) {
                    for (var record : reader.poll(Duration.ofMillis(200))) {
                        last = Math.max(last, record.offset());
                    }
                }
                if (last >= 0 || from == 0) {
                    return last;
                }
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return kafka.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    /** The partitions of a topic that these conversations' records go to (Kafka's key hash). */
    private static Set<TopicPartition> partitionsOf(String topic, long... conversationIds) throws Exception {
        int count = kafka.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Set<TopicPartition> partitions = new HashSet<>();
        for (long id : conversationIds) {
            byte[] key = Long.toString(id).getBytes(StandardCharsets.UTF_8);
            partitions.add(new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % count));
        }
        return partitions;
    }

    // --- Cassandra ------------------------------------------------------------------------------

    /** Every stored message of the conversation, all buckets (a long stream crosses 4,096 seqs). */
    private static List<Row> storedMessages(long conversation) {
        List<Row> rows = new ArrayList<>();
        for (long bucket = 0; ; bucket++) {
            List<Row> inBucket = cassandra.execute("SELECT seq, message_id, sender_id, client_message_id FROM messages"
                    + " WHERE conversation_id = ? AND bucket = ?", conversation, bucket).all();
            if (inBucket.isEmpty()) {
                break;
            }
            rows.addAll(inBucket);
        }
        rows.sort(Comparator.comparingLong(r -> r.getLong("seq")));
        return rows;
    }

    private static long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)",
                id, "it-crash-" + id, Instant.now());
        return id;
    }

    /**
     * A group conversation written as api-service writes a new group's rows, with an id whose
     * partition this node sequences right now.
     */
    private static long newGroup(String sequencedBy, Map<Integer, String> owners, long... members) throws Exception {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        } while (!sequencedBy.equals(owners.get(partitionOf(id))));
        Instant now = Instant.now();
        for (long member : members) {
            cassandra.execute("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?)",
                    id, member, now);
            cassandra.execute("INSERT INTO user_conversations (user_id, conversation_id, joined_at) VALUES (?, ?, ?)",
                    member, id, now);
        }
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, created_at) VALUES (?, ?, ?)",
                id, "group", now);
        return id;
    }
}
