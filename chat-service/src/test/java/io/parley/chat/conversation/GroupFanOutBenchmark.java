package io.parley.chat.conversation;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.parley.chat.presence.ChatNodeProcess;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.SystemEvent;
import io.parley.common.events.Topics;
import io.parley.testsupport.RealInfrastructure;
import io.parley.testsupport.jwt.TestJwt;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Benchmark, not a test (no *IT / *Test suffix, so {@code mvn verify} does not run it): fan-out of
 * one group of {@value #MEMBERS} members whose sessions are spread over two chat nodes. Run it
 * through failsafe, which packages the chat-service jar the nodes run from first:
 * <pre>
 * ./mvnw -B -pl chat-service -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=GroupFanOutBenchmark -Dit.failIfNoSpecifiedTests=false
 * </pre>
 * Optional: {@code -Dfanout.rates=1,5,10,20,40,80} (messages per second into the group, one step
 * each), {@code -Dfanout.measure=20s} (measured window of a step).
 *
 * <p>Setup: both chat nodes are child JVMs ({@link ChatNodeProcess}), so their CPU and GC are apart
 * from this JVM, which holds the {@value #MEMBERS} WebSocket clients (one session per member, half on
 * each node). The group is written as api-service writes a new group (member rows, then the
 * conversation row, then a {@code group_created} system message); every session must receive that
 * message before anything is measured, which proves all of them are routable.
 *
 * <p>Each step: {@value #SENDERS} members (two per node) send into the group at the step's rate in
 * total, open loop (a send is due at a fixed time whether or not earlier ones were answered, so a
 * slow server shows up as latency instead of silently lowering the offered load). After a warm-up
 * the step measures for a fixed window: deliveries per second received by all sessions in that
 * window, and, for every message sent in it, the latency from just before the client sent it to each
 * receiving session's {@code message} frame (taken in the WebSocket listener, on this JVM's one
 * clock). Then it waits (bounded) until every accepted message reached every other member, and counts
 * what never arrived, duplicates and frames out of seq order. Figures are printed as "fanout-bench: …".
 * It steps up until the rates are done or a step could not drain its backlog.
 */
class GroupFanOutBenchmark {

    static final int MEMBERS = 100;
    static final int SENDERS = 4;
    /** Every member, the sender included: its sending session gets the message too (that is how it learns the seq). */
    static final int RECEIVERS_PER_MESSAGE = MEMBERS;

    private static final List<Integer> RATES = parseRates(System.getProperty("fanout.rates", "1,5,10,20,40,80"));
    private static final Duration MEASURE = Duration.parse("PT" + System.getProperty("fanout.measure", "20s"));
    private static final Duration STEP_WARM_UP = Duration.ofSeconds(5);
    /** Before the first step, so the nodes' JIT and connection pools are warm. */
    private static final Duration FIRST_WARM_UP = Duration.ofSeconds(15);
    private static final int FIRST_WARM_UP_RATE = 5;
    /** How long a step may take to deliver its backlog after its last send before we give up stepping up. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(90);
    /** Well under the node's idle timeout (35 s). */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(10);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ChatNodeProcess nodeA;
    private static ChatNodeProcess nodeB;
    private static CqlSession cassandra;
    private static KafkaProducer<String, String> kafka;

    @BeforeAll
    static void startNodes() throws Exception {
        var store = RealInfrastructure.cassandra();
        var broker = RealInfrastructure.kafka();
        nodeA = ChatNodeProcess.start("bench-fanout-a");
        nodeB = ChatNodeProcess.start("bench-fanout-b");
        cassandra = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(store.host(), store.port()))
                .withLocalDatacenter(store.localDatacenter())
                .withKeyspace(store.keyspace())
                .build();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        kafka = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopNodes() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(5));
        }
        if (cassandra != null) {
            cassandra.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void groupFanOutAtSteppedRates() throws Exception {
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            users.add(newUser());
        }
        long group = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        writeGroupRows(group, users);

        Deliveries deliveries = new Deliveries();
        HttpClient http = HttpClient.newHttpClient();
        ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(daemon("fanout-pinger"));
        List<Member> members = new ArrayList<>();
        ExecutorService senderThreads = Executors.newFixedThreadPool(SENDERS, daemon("fanout-sender"));
        try {
            // Even-indexed members on A, odd on B; members 0..3 are the senders, so two on each node.
            long connectStart = System.nanoTime();
            List<CompletableFuture<Member>> connecting = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) {
                boolean onA = i % 2 == 0;
                connecting.add(Member.connect(http, onA ? nodeA.ws() : nodeB.ws(), onA ? 'A' : 'B', users.get(i), deliveries));
            }
            for (CompletableFuture<Member> c : connecting) {
                Member member = c.get(60, TimeUnit.SECONDS);
                member.welcome.get(60, TimeUnit.SECONDS);
                members.add(member);
                pinger.scheduleWithFixedDelay(member::ping, PING_INTERVAL.toMillis(), PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
            log("%d sessions welcomed (%d on A, %d on B) in %d ms", members.size(),
                    members.stream().filter(m -> m.node == 'A').count(), members.stream().filter(m -> m.node == 'B').count(),
                    ms(System.nanoTime() - connectStart));

            // group_created, as api-service publishes it; every session must get it before we measure.
            publishGroupCreated(group, users);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (members.stream().anyMatch(m -> !m.sawGroupCreated) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long missingCreated = members.stream().filter(m -> !m.sawGroupCreated).count();
            if (missingCreated > 0) {
                throw new AssertionError(missingCreated + " sessions never got group_created: not all routable");
            }
            log("group of %d created; all %d sessions got group_created (seq 1)", MEMBERS, members.size());

            List<Member> senders = members.subList(0, SENDERS);
            Step warmUp = new Step("warm-up", FIRST_WARM_UP_RATE, group);
            runStep(warmUp, senders, senderThreads, deliveries, FIRST_WARM_UP, Duration.ZERO);
            drain(deliveries);

            List<Step> steps = new ArrayList<>();
            for (int rate : RATES) {
                Step step = new Step(rate + "/s", rate, group);
                steps.add(step);
                runStep(step, senders, senderThreads, deliveries, STEP_WARM_UP, MEASURE);
                step.drainMillis = drain(deliveries);
                step.finish(deliveries);
                log("%s", step.row());
                if (step.drainMillis < 0) {
                    log("step %s did not deliver its backlog within %s: not stepping further", step.name, DRAIN_LIMIT);
                    break;
                }
            }
            printTable(steps);
        } finally {
            senderThreads.shutdownNow();
            pinger.shutdownNow();
            members.forEach(Member::close);
        }
    }

    /**
     * Sends at {@code step.rate} in total for warm-up + measure, the senders taking turns (message
     * k is due at start + k / rate and sent by sender k mod SENDERS), and samples the received
     * deliveries and the processes' CPU at the edges of the measured window.
     */
    private static void runStep(Step step, List<Member> senders, ExecutorService threads, Deliveries deliveries,
                                Duration warmUp, Duration measure) throws Exception {
        long start = System.nanoTime() + 200_000_000L;
        long measureFrom = start + warmUp.toNanos();
        long end = measureFrom + measure.toNanos();
        double intervalNanos = 1e9 / step.rate;
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < senders.size(); s++) {
            Member sender = senders.get(s);
            int first = s;
            running.add(threads.submit(() -> {
                for (long k = first; ; k += senders.size()) {
                    long due = start + (long) (k * intervalNanos);
                    if (due >= end) {
                        return null;
                    }
                    LockSupport.parkNanos(due - System.nanoTime());
                    // Unique per step, so a repeated rate is never taken for a retry of an earlier send.
                    String clientId = "step" + step.number + "-" + k;
                    Sent sent = new Sent(step, due >= measureFrom);
                    deliveries.sent.put(clientId, sent);
                    sent.sentNanos = System.nanoTime();
                    sender.send(Map.of("type", "send", "id", clientId,
                            "conversationId", Long.toString(step.group), "text", "fan-out " + clientId));
                    step.sentCount.incrementAndGet();
                }
            }));
        }
        if (!measure.isZero()) {
            sleepUntil(measureFrom);
            long receivedBefore = deliveries.received.get();
            Cpu before = Cpu.sample();
            sleepUntil(end);
            step.receivedInWindow = deliveries.received.get() - receivedBefore;
            step.cpu = Cpu.sample().minus(before);
            step.loadAverage = loadAverage();
            step.measuredSeconds = measure.toNanos() / 1e9;
        }
        for (Future<?> f : running) {
            f.get(measure.plus(warmUp).toSeconds() + 60, TimeUnit.SECONDS);
        }
    }

    /** Waits until every sent message was answered and reached every other member; ms taken, -1 when it gave up. */
    private static long drain(Deliveries deliveries) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + DRAIN_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = deliveries.sent.values().stream().allMatch(s ->
                    s.answered() && (s.error != null || s.receivers.get() >= RECEIVERS_PER_MESSAGE));
            if (done) {
                return ms(System.nanoTime() - start);
            }
            Thread.sleep(50);
        }
        return -1;
    }

    private static void printTable(List<Step> steps) {
        System.out.println();
        System.out.println("fanout-bench: " + MEMBERS + " members (" + MEMBERS / 2 + " on node A, " + MEMBERS / 2
                + " on node B), " + SENDERS + " senders (2 per node); measured " + MEASURE.toSeconds()
                + " s per step after " + STEP_WARM_UP.toSeconds() + " s warm-up");
        System.out.println("fanout-bench: " + Step.HEADER);
        steps.forEach(s -> System.out.println("fanout-bench: " + s.row()));
        System.out.println("fanout-bench: latency by receiving node (p50 / p99 ms):");
        steps.forEach(s -> System.out.println("fanout-bench:   " + s.name + "  A " + s.byNode('A') + "   B " + s.byNode('B')
                + "   ack p50/p99 " + pct(s.ackMicros, 50) + "/" + pct(s.ackMicros, 99) + " ms"
                + "   send errors " + s.errors));
        System.out.println("fanout-bench: CPU seconds used during each measured window (2 cores = 2 s per s):");
        steps.forEach(s -> System.out.println("fanout-bench:   " + s.name + "  " + (s.cpu == null ? "-" : s.cpu.describe(s.measuredSeconds))));
        System.out.println();
    }

    // --- setup ------------------------------------------------------------------------------------

    private static long newUser() {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        cassandra.execute("INSERT INTO users (user_id, username, created_at) VALUES (?, ?, ?)", id, "bench-fanout-" + id, Instant.now());
        return id;
    }

    /** The rows api-service writes for a new group: member rows first, the conversation row last. */
    private static void writeGroupRows(long group, List<Long> users) {
        Instant now = Instant.now();
        PreparedStatement member = cassandra.prepare("INSERT INTO conversation_members"
                + " (conversation_id, user_id, joined_at, role, joined_at_seq) VALUES (?, ?, ?, ?, 1)");
        PreparedStatement userConversation = cassandra.prepare("INSERT INTO user_conversations"
                + " (user_id, conversation_id, joined_at, joined_at_seq) VALUES (?, ?, ?, 1)");
        long owner = users.get(0);
        for (long user : users) {
            cassandra.execute(member.bind(group, user, now, user == owner ? "owner" : "member"));
            cassandra.execute(userConversation.bind(user, group, now));
        }
        cassandra.execute("INSERT INTO conversations (conversation_id, kind, name, created_by, created_at) VALUES (?, 'group', ?, ?, ?)",
                group, "Fan-out bench", owner, now);
    }

    private static void publishGroupCreated(long group, List<Long> users) throws Exception {
        SystemEvent created = new SystemEvent(SystemEvent.GROUP_CREATED, users.get(0), users.subList(1, users.size()),
                "Fan-out bench", null);
        MessageSubmitted message = MessageSubmitted.system(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE),
                group, created, System.currentTimeMillis());
        kafka.send(new ProducerRecord<>(Topics.MESSAGES_SUBMITTED, Long.toString(group), JSON.writeValueAsString(message)))
                .get(30, TimeUnit.SECONDS);
    }

    // --- what was sent and received ---------------------------------------------------------------

    /** One benchmark message as its sender saw it. */
    static final class Sent {
        final Step step;
        final boolean measured;
        volatile long sentNanos;
        volatile long ackNanos;
        volatile String error;
        final AtomicInteger receivers = new AtomicInteger();

        Sent(Step step, boolean measured) {
            this.step = step;
            this.measured = measured;
        }

        boolean answered() {
            return ackNanos != 0 || error != null;
        }
    }

    /** Everything every session received, keyed by the client message id the senders chose. */
    static final class Deliveries {
        final Map<String, Sent> sent = new ConcurrentHashMap<>();
        final AtomicLong received = new AtomicLong();

        void onMessage(Member member, JsonNode message, long arrivedNanos) {
            if ("system".equals(message.path("kind").asString())) {
                if (SystemEvent.GROUP_CREATED.equals(message.path("system").path("event").asString())) {
                    member.sawGroupCreated = true;
                }
                return;
            }
            received.incrementAndGet();
            String clientId = message.path("clientMessageId").asString();
            long seq = message.path("seq").asLong();
            Sent sent = this.sent.get(clientId);
            if (sent == null) {
                return; // not ours (cannot happen: the group is this benchmark's own)
            }
            Step step = sent.step;
            if (!member.received.add(clientId)) {
                step.duplicates.incrementAndGet();
                return;
            }
            // Live deliveries of one conversation must reach a session in seq order (docs/design.md).
            if (seq <= member.lastSeq) {
                step.outOfOrder.incrementAndGet();
            }
            member.lastSeq = Math.max(member.lastSeq, seq);
            sent.receivers.incrementAndGet();
            if (sent.measured) {
                step.latencyMicros(member.node).add((arrivedNanos - sent.sentNanos) / 1000);
            }
        }

        void onAck(String clientId, long arrivedNanos) {
            Sent sent = this.sent.get(clientId);
            if (sent != null) {
                sent.ackNanos = arrivedNanos;
                if (sent.measured) {
                    sent.step.ackMicros.add((arrivedNanos - sent.sentNanos) / 1000);
                }
            }
        }

        void onError(JsonNode frame) {
            Sent sent = this.sent.get(frame.path("ref").asString());
            if (sent != null) {
                sent.error = frame.path("code").asString();
                sent.step.errors.merge(sent.error, 1, Integer::sum);
            }
        }
    }

    /** One rate step and its figures. */
    static final class Step {
        static final String HEADER = String.format("%-8s | %9s | %10s | %9s | %7s | %7s | %7s | %8s | %7s | %4s | %5s | %8s | %5s",
                "rate", "msgs sent", "offered/s", "deliv./s", "p50 ms", "p99 ms", "max ms", "expected", "missing", "dups",
                "order", "drain ms", "load");

        private static final AtomicInteger STEPS = new AtomicInteger();

        final int number = STEPS.incrementAndGet();
        final String name;
        final int rate;
        final long group;
        final AtomicInteger sentCount = new AtomicInteger();
        final List<Long> latencyA = Collections.synchronizedList(new ArrayList<>());
        final List<Long> latencyB = Collections.synchronizedList(new ArrayList<>());
        final List<Long> ackMicros = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final Map<String, Integer> errors = new ConcurrentHashMap<>();
        long receivedInWindow;
        double measuredSeconds;
        long drainMillis;
        Cpu cpu;
        String loadAverage = "-";
        long measuredSent;
        long expected;
        long missing;

        Step(String name, int rate, long group) {
            this.name = name;
            this.rate = rate;
            this.group = group;
        }

        List<Long> latencyMicros(char node) {
            return node == 'A' ? latencyA : latencyB;
        }

        /** After the drain: what every accepted message of the window should have reached, and did not. */
        void finish(Deliveries deliveries) {
            for (Sent s : deliveries.sent.values()) {
                if (s.step == this && s.measured) {
                    measuredSent++;
                    if (s.error == null) {
                        expected += RECEIVERS_PER_MESSAGE;
                        missing += Math.max(0, RECEIVERS_PER_MESSAGE - s.receivers.get());
                    }
                }
            }
        }

        List<Long> all() {
            List<Long> all = new ArrayList<>(latencyA);
            all.addAll(latencyB);
            return all;
        }

        String byNode(char node) {
            List<Long> l = latencyMicros(node);
            return pct(l, 50) + " / " + pct(l, 99);
        }

        String row() {
            List<Long> all = all();
            return String.format("%-8s | %9d | %10d | %9.0f | %7d | %7d | %7d | %8d | %7d | %4d | %5d | %8d | %5s",
                    name, measuredSent, rate * RECEIVERS_PER_MESSAGE, receivedInWindow / measuredSeconds,
                    pct(all, 50), pct(all, 99), pct(all, 100), expected, missing, duplicates.get(), outOfOrder.get(),
                    drainMillis, loadAverage);
        }
    }

    // --- one member's session ---------------------------------------------------------------------

    /** One member's one WebSocket session; frames are timestamped on arrival, in the listener. */
    static final class Member implements WebSocket.Listener {
        final char node;
        final Deliveries deliveries;
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        volatile long lastSeq;
        volatile boolean sawGroupCreated;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;

        private Member(char node, Deliveries deliveries) {
            this.node = node;
            this.deliveries = deliveries;
        }

        static CompletableFuture<Member> connect(HttpClient http, URI uri, char node, long userId, Deliveries deliveries) {
            Member member = new Member(node, deliveries);
            return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TestJwt.token(userId))
                    .buildAsync(uri, member)
                    .thenApply(socket -> {
                        member.socket = socket;
                        return member;
                    });
        }

        /** One send at a time: the JDK client refuses a send while another is pending (pings run too). */
        synchronized void send(Object frame) {
            socket.sendText(JSON.writeValueAsString(frame), true).join();
        }

        void ping() {
            try {
                send(Map.of("type", "ping"));
            } catch (RuntimeException e) {
                // closed meanwhile
            }
        }

        void close() {
            if (socket != null) {
                socket.abort();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long arrived = System.nanoTime();
                JsonNode frame = JSON.readTree(partial.toString());
                partial.setLength(0);
                switch (frame.path("type").asString()) {
                    case "message" -> deliveries.onMessage(this, frame.path("message"), arrived);
                    case "ack" -> deliveries.onAck(frame.path("id").asString(), arrived);
                    case "error" -> deliveries.onError(frame);
                    case "welcome" -> welcome.complete(null);
                    default -> {
                        // pong and anything else: not measured
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            welcome.completeExceptionally(error);
        }
    }

    // --- machine conditions -----------------------------------------------------------------------

    /** CPU time of this JVM (the clients), both chat nodes, Kafka and Cassandra. */
    record Cpu(Map<String, Long> nanosByProcess) {

        static Cpu sample() {
            Map<String, Long> cpu = new LinkedHashMap<>();
            cpu.put("clients", cpuNanos(ProcessHandle.current()));
            cpu.put("node A", cpuNanos(ProcessHandle.of(nodeA.pid()).orElse(null)));
            cpu.put("node B", cpuNanos(ProcessHandle.of(nodeB.pid()).orElse(null)));
            ProcessHandle.current().children().forEach(child -> {
                String command = commandLine(child);
                if (command.contains("KafkaServerMain")) {
                    cpu.put("Kafka", cpuNanos(child));
                } else if (command.contains("CassandraServerMain")) {
                    cpu.put("Cassandra", cpuNanos(child));
                }
            });
            return new Cpu(cpu);
        }

        /**
         * Read from /proc: the servers' class paths are so long that {@code ProcessHandle.Info}
         * gives no command line for them.
         */
        private static String commandLine(ProcessHandle process) {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")));
            } catch (IOException | RuntimeException e) {
                return process.info().commandLine().orElse("");
            }
        }

        private static long cpuNanos(ProcessHandle process) {
            return process == null ? 0 : process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        Cpu minus(Cpu before) {
            Map<String, Long> diff = new LinkedHashMap<>();
            nanosByProcess.forEach((name, nanos) -> diff.put(name, nanos - before.nanosByProcess.getOrDefault(name, 0L)));
            return new Cpu(diff);
        }

        String describe(double seconds) {
            StringBuilder out = new StringBuilder();
            long total = 0;
            for (var e : nanosByProcess.entrySet()) {
                out.append(String.format("%s %.2f  ", e.getKey(), e.getValue() / 1e9 / seconds));
                total += e.getValue();
            }
            return out.append(String.format("| total %.2f of 2 cores", total / 1e9 / seconds)).toString();
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    // --- helpers ----------------------------------------------------------------------------------

    private static List<Integer> parseRates(String rates) {
        return Arrays.stream(rates.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void log(String format, Object... args) {
        System.out.println("fanout-bench: " + String.format(format, args));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Percentile in ms of latencies in µs (100 = max); -1 when there are none. */
    private static long pct(List<Long> micros, int p) {
        List<Long> sorted;
        synchronized (micros) {
            sorted = new ArrayList<>(micros);
        }
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) ((long) sorted.size() * p / 100))) / 1000;
    }
}
