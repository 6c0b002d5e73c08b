package io.parley.loadgen;

import io.parley.loadgen.LoadOptions.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run of one scenario: set-up (users, discovery, WebSockets, conversations), the open-loop
 * schedule, the grace period, then the summary table and the JSON file. See docs/benchmarks.md,
 * "Load generator".
 */
public final class LoadRun {

    /** Sends fired later than this after their due time mean the generator fell behind. */
    static final long BEHIND_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(90);

    private final LoadOptions o;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final ChatSession.Wire wire = new ChatSession.Wire();
    private final Tracker tracker = new Tracker();
    private final Latency lag = new Latency();
    private final LongAccumulator maxLag = new LongAccumulator(Math::max, 0);
    private final LongAdder lateSends = new LongAdder();
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final ExecutorService io;
    private final ExecutorService setupPool;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final RestClient rest;
    private final ProcessMonitor monitor = ProcessMonitor.system();
    private ProcessMonitor.Result processes;
    /** Every welcomed session, from the moment it is welcomed: the heartbeat timer pings them from then on. */
    private final Queue<ChatSession> sessions = new ConcurrentLinkedQueue<>();

    public LoadRun(LoadOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.io = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("lg-ws"));
        this.setupPool = Executors.newFixedThreadPool(o.concurrency(), daemon("lg-setup"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("lg-heartbeat"));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(io).build();
        this.rest = new RestClient(http, o.gateway());
    }

    /** Runs the scenario; the summary goes to the output stream, the JSON to {@code --output}. */
    public Map<String, Object> run() {
        try {
            json.put("scenario", o.scenario().name().toLowerCase(Locale.ROOT));
            json.put("startedAt", Instant.now().toString());
            json.put("runId", runId);
            json.put("options", optionsMap());
            progress("parley load " + json.get("scenario") + " against " + o.gateway() + " (run " + runId + ", users "
                    + o.prefix() + "_u0.." + (o.sessions() - 1) + ")");
            findProcesses();
            // Heartbeats from the first welcome on: set-up of thousands of sockets can outlast the idle timeout.
            timer.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                for (ChatSession s : sessions) {
                    s.heartbeat(now);
                }
            }, 1, 1, TimeUnit.SECONDS);
            switch (o.scenario()) {
                case PAIRS, GROUP -> messaging();
                case IDLE -> idle();
            }
            write();
            return json;
        } finally {
            sessions.forEach(ChatSession::close);
            timer.shutdownNow();
            setupPool.shutdownNow();
            sleepQuietly(300); // let the close frames go out
            io.shutdownNow();
        }
    }

    // --- set-up ---------------------------------------------------------------------------------

    private void findProcesses() {
        if (!o.processes()) {
            processes = new ProcessMonitor.Result(List.of(), "process figures switched off (--no-processes)", false);
        } else if (!ProcessMonitor.isLocal(o.gateway())) {
            processes = new ProcessMonitor.Result(List.of(), "remote deployment (" + o.gateway()
                    + "): process CPU and RSS are only measured for a local run", false);
        } else {
            int port = URI.create(o.gateway()).getPort();
            processes = monitor.find(port < 0 ? 80 : port, ProcessHandle.current().pid());
        }
        progress(processes.note() + (processes.processes().isEmpty() ? "" : ": " + processes.processes().stream()
                .map(p -> p.name() + "=" + p.pid()).toList()));
    }

    /**
     * The load generator holds each user's first access token for the whole run and does not
     * refresh: chat nodes close a session when its token expires (4001, docs/protocol.md "Token
     * expiry"), which would show up as lost sessions. Runs are normally far shorter than the
     * 15-minute default; say so loudly when this one is not.
     */
    private void warnIfTokensExpireDuringTheRun(long tokenSeconds) {
        long runSeconds = o.warmup().toSeconds() + o.duration().toSeconds() + o.grace().toSeconds()
                + o.settle().toSeconds();
        if (runSeconds + 60 > tokenSeconds) {
            progress("WARNING: access tokens live " + tokenSeconds + " s but this run holds them about " + runSeconds
                    + " s plus set-up: chat nodes close sessions whose token expires (4001). Raise PARLEY_TOKEN_TTL "
                    + "on api-service or shorten --duration.");
        }
    }

    /** Signs up or reuses the users, asks discovery for each one's node, opens and welcomes every socket. */
    private List<ChatSession> connect(int count) {
        long start = System.nanoTime();
        AtomicInteger created = new AtomicInteger();
        List<CompletableFuture<RestClient.User>> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = o.prefix() + "_u" + i;
            users.add(CompletableFuture.supplyAsync(() -> {
                Map.Entry<RestClient.User, Boolean> u = rest.signUpOrReuse(name, o.password());
                if (u.getValue()) {
                    created.incrementAndGet();
                }
                return u.getKey();
            }, setupPool));
        }
        awaitAll(users, "sign-up / login", count);
        progress(count + " users logged in (" + created.get() + " new, " + (count - created.get()) + " reused) in "
                + secondsSince(start) + " s");
        warnIfTokensExpireDuringTheRun(users.stream().mapToLong(u -> u.join().tokenSeconds()).min().orElse(Long.MAX_VALUE));

        start = System.nanoTime();
        Semaphore inFlight = new Semaphore(o.concurrency());
        List<CompletableFuture<ChatSession>> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RestClient.User user = users.get(i).join();
            int index = i;
            opened.add(CompletableFuture.supplyAsync(() -> openWithRetries(index, user, inFlight), setupPool));
        }
        awaitAll(opened, "WebSocket connect", count);
        List<ChatSession> result = new ArrayList<>();
        opened.forEach(f -> result.add(f.join()));
        Map<String, Integer> byNode = new TreeMap<>();
        result.forEach(s -> byNode.merge(String.valueOf(s.node()), 1, Integer::sum));
        progress(count + " WebSockets welcomed in " + secondsSince(start) + " s, by chat node: " + byNode);
        json.put("sessionsByNode", byNode);
        return result;
    }

    private ChatSession openWithRetries(int index, RestClient.User user, Semaphore inFlight) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            inFlight.acquireUninterruptibly();
            ChatSession s = null;
            try {
                RestClient.ChatServer server = rest.chatServer(user);
                s = new ChatSession(index, user, server.url(), tracker, wire);
                s.open(http, CONNECT_TIMEOUT).join();
                sessions.add(s);
                return s;
            } catch (RuntimeException e) {
                last = e;
                if (s != null) {
                    s.close();
                }
            } finally {
                inFlight.release();
            }
            sleepQuietly(500L << (attempt - 1)); // back-off: 0.5 s, 1 s, 2 s (docs/protocol.md)
        }
        throw new IllegalStateException("could not connect " + user.username() + ": " + last.getMessage(), last);
    }

    private <T> void awaitAll(List<CompletableFuture<T>> futures, String what, int count) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        long next = System.nanoTime() + o.progressInterval().toNanos();
        while (!all.isDone()) {
            sleepQuietly(50);
            if (System.nanoTime() >= next) {
                progress(what + ": " + futures.stream().filter(CompletableFuture::isDone).count() + " of " + count + " done");
                next += o.progressInterval().toNanos();
            }
        }
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            long failed = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(what + " failed for " + failed + " of " + count + ": " + cause.getMessage(), cause);
        }
    }

    // --- pairs and group -------------------------------------------------------------------------

    /** A sender: its session and its slot in the conversation. */
    private record Sender(ChatSession session, Tracker.Conversation conversation, int slot) {
    }

    private void messaging() {
        List<ChatSession> all = connect(o.sessions());
        List<Sender[]> rotation = o.scenario() == Scenario.PAIRS ? pairUp(all) : groupUp(all);
        runSchedule(rotation);
    }

    /** Pairs sessions on different nodes where it can; primes each pair's conversation with one message. */
    private List<Sender[]> pairUp(List<ChatSession> all) {
        Map<String, Deque<ChatSession>> byNode = new TreeMap<>();
        all.forEach(s -> byNode.computeIfAbsent(String.valueOf(s.node()), n -> new ArrayDeque<>()).add(s));
        List<ChatSession[]> pairs = new ArrayList<>();
        int crossNode = 0;
        while (pairs.size() < o.pairs()) {
            List<Deque<ChatSession>> nodes = new ArrayList<>(byNode.values());
            nodes.removeIf(Deque::isEmpty);
            nodes.sort(Comparator.comparingInt((Deque<ChatSession> d) -> d.size()).reversed());
            ChatSession a = nodes.get(0).poll();
            ChatSession b = nodes.size() > 1 ? nodes.get(1).poll() : nodes.get(0).poll();
            if (!a.node().equals(b.node())) {
                crossNode++;
            }
            pairs.add(new ChatSession[] {a, b});
        }
        progress(o.pairs() + " pairs, " + crossNode + " of them across two chat nodes");
        json.put("pairsAcrossNodes", crossNode);

        // One message per pair, sent with "to", creates the 1:1 conversation; the load then uses its id.
        Tracker setup = new Tracker();
        List<Sender[]> rotation = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            ChatSession a = pairs.get(i)[0];
            ChatSession b = pairs.get(i)[1];
            Tracker.Conversation c = new Tracker.Conversation("pair-" + i, 2);
            join(a, c, 0, setup);
            join(b, c, 1, setup);
            rotation.add(new Sender[] {new Sender(a, c, 0), new Sender(b, c, 1)});
        }
        long start = System.nanoTime();
        for (int i = 0; i < pairs.size(); i++) {
            Sender first = rotation.get(i)[0];
            String id = runId + "-setup-" + i;
            setup.register(id, first.conversation(), 0, System.nanoTime(), false);
            first.session().send("{\"type\":\"send\",\"id\":\"" + id + "\",\"to\":\"" + pairs.get(i)[1].user.userId()
                    + "\",\"text\":\"load run " + runId + ": set-up\"}");
        }
        awaitSetup(setup, "the first message of every pair acked and delivered to both", start);
        for (ChatSession s : all) {
            s.tracker = tracker;
        }
        return rotation;
    }

    /** One group of all sessions, created over REST by the first; waits until every member got {@code group_created}. */
    private List<Sender[]> groupUp(List<ChatSession> all) {
        Tracker.Conversation c = new Tracker.Conversation("group", all.size());
        for (int i = 0; i < all.size(); i++) {
            join(all.get(i), c, i, tracker);
        }
        long start = System.nanoTime();
        List<RestClient.User> others = all.subList(1, all.size()).stream().map(s -> s.user).toList();
        c.id = rest.createGroup(all.get(0).user, "load " + runId, others);
        json.put("groupId", c.id);
        String id = c.id;
        waitUntil(() -> all.stream().allMatch(s -> s.hasSeen(id)), SETUP_TIMEOUT);
        long seen = all.stream().filter(s -> s.hasSeen(id)).count();
        if (seen < all.size()) {
            throw new IllegalStateException("only " + seen + " of " + all.size() + " members got the group's first message within "
                    + SETUP_TIMEOUT.toSeconds() + " s");
        }
        progress("group " + id + " of " + all.size() + " members created; every member got group_created, "
                + secondsSince(start) + " s");
        List<Sender[]> rotation = new ArrayList<>();
        for (int i = 0; i < o.senders(); i++) {
            rotation.add(new Sender[] {new Sender(all.get(i), c, i)});
        }
        return rotation;
    }

    private static void join(ChatSession s, Tracker.Conversation c, int slot, Tracker t) {
        s.conversation = c;
        s.slot = slot;
        s.tracker = t;
    }

    private void awaitSetup(Tracker setup, String what, long start) {
        waitUntil(setup::complete, SETUP_TIMEOUT);
        Tracker.Counts counts = setup.counts();
        if (!setup.complete() || counts.errored() > 0 || counts.duplicated() > 0) {
            throw new IllegalStateException("set-up failed: waited " + SETUP_TIMEOUT.toSeconds() + " s for " + what
                    + "; sent " + counts.sent() + ", acked " + counts.acked() + ", errors " + counts.errorsByCode()
                    + ", delivered " + counts.delivered() + " of " + (2 * counts.sent()));
        }
        progress("set-up: " + what + " in " + secondsSince(start) + " s");
    }

    private void runSchedule(List<Sender[]> rotation) {
        long warmup = o.warmup().toNanos();
        long measured = o.duration().toNanos();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        OpenLoopSchedule schedule = new OpenLoopSchedule(o.rate(), start, warmup + measured);
        long measureStart = start + warmup;
        long measureEnd = measureStart + measured;
        tracker.window(measureStart, measureEnd);
        String padding = "x".repeat(o.messageSize());
        int groups = rotation.size();

        OpenLoopSchedule.Sender fire = (k, due, now) -> {
            long late = now - due;
            lag.recordNanos(Math.max(late, 0));
            maxLag.accumulate(late);
            if (late > BEHIND_NANOS) {
                lateSends.increment();
            }
            Sender[] group = rotation.get((int) (k % groups));
            Sender s = group.length == 1 ? group[0] : group[(int) ((k / groups) % group.length)];
            String clientId = runId + "-" + k;
            // The text names the message and its send time (µs into the run), then pads to --size.
            String head = clientId + " t=" + (now - t0) / 1000 + " ";
            String text = head.length() >= o.messageSize() ? head : head + padding.substring(head.length());
            tracker.register(clientId, s.conversation(), s.slot(), now, due >= measureStart);
            s.session().send("{\"type\":\"send\",\"id\":\"" + clientId + "\",\"conversationId\":\"" + s.conversation().id
                    + "\",\"text\":\"" + text + "\"}");
        };
        progress(String.format(Locale.ROOT, "sending %,.0f msgs/s for %.0f s warm-up + %.0f s measured (%,d messages)",
                o.rate(), warmup / 1e9, measured / 1e9, schedule.total()));
        Thread sender = new Thread(() -> schedule.run(fire), "lg-schedule");
        sender.setDaemon(true);
        sender.setPriority(Thread.MAX_PRIORITY);
        sender.start();

        Progress p = new Progress(start);
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> before = null;
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> after = null;
        long nextProgress = start + o.progressInterval().toNanos();
        while (sender.isAlive() || after == null) {
            long now = System.nanoTime();
            if (before == null && now >= measureStart) {
                before = sampleAll();
            }
            if (after == null && now >= measureEnd) {
                after = sampleAll();
            }
            if (now >= nextProgress) {
                p.print(now < measureStart ? "warm-up" : now < measureEnd ? "measure" : "finish");
                nextProgress += o.progressInterval().toNanos();
            }
            long wake = Math.min(nextProgress, before == null ? measureStart : after == null ? measureEnd : nextProgress);
            sleepQuietly(Math.max(1, Math.min(200, (wake - System.nanoTime()) / 1_000_000)));
        }
        joinQuietly(sender);
        long lastSend = System.nanoTime();
        long graceEnd = lastSend + o.grace().toNanos();
        while (!tracker.complete() && System.nanoTime() < graceEnd) {
            sleepQuietly(100);
            if (System.nanoTime() >= nextProgress) {
                p.print("grace");
                nextProgress += o.progressInterval().toNanos();
            }
        }
        progress(tracker.complete() ? "every send answered and every acked message delivered, "
                + String.format(Locale.ROOT, "%.1f s after the last send", (System.nanoTime() - lastSend) / 1e9)
                : "grace period of " + o.grace().toSeconds() + " s over; " + tracker.missing() + " deliveries still missing");
        report(measured / 1e9, before, after);
    }

    /** Progress lines: totals, rates over the last interval, p99 of the interval and of the run. */
    private final class Progress {
        private long lastNanos;
        private long lastSent;
        private long lastDelivered;

        Progress(long start) {
            this.lastNanos = start;
        }

        void print(String phase) {
            long now = System.nanoTime();
            double secs = Math.max(1e-3, (now - lastNanos) / 1e9);
            long delivered = tracker.delivered();
            long acked = tracker.acked();
            long sent = tracker.sent(); // read last: never fewer than acked
            Latency.Stats ackIv = tracker.ackLatency().interval();
            Latency.Stats ackAll = tracker.ackLatency().total();
            Latency.Stats delIv = tracker.deliverLatency().interval();
            Latency.Stats delAll = tracker.deliverLatency().total();
            Latency.Stats lagIv = lag.interval();
            String behind = lagIv.max() > BEHIND_NANOS / 1e6
                    ? String.format(Locale.ROOT, "  GENERATOR BEHIND: a send fired %.0f ms late", lagIv.max()) : "";
            progress(String.format(Locale.ROOT,
                    "%-7s sent %,d (%,.0f/s) acked %,d delivered %,d (%,.0f/s) errors %,d | p99 ack %.1f ms (run %.1f)"
                            + " deliver %.1f ms (run %.1f)%s",
                    phase, sent, (sent - lastSent) / secs, acked, delivered, (delivered - lastDelivered) / secs,
                    tracker.errors(), ackIv.p99(), ackAll.p99(), delIv.p99(), delAll.p99(), behind));
            lastNanos = now;
            lastSent = sent;
            lastDelivered = delivered;
        }
    }

    private void report(double seconds, Map<ProcessMonitor.Proc, ProcessMonitor.Sample> before,
                        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> after) {
        Tracker.Counts c = tracker.counts();
        Latency.Stats ack = tracker.ackLatency().total();
        Latency.Stats deliver = tracker.deliverLatency().total();
        Latency.Stats lagStats = lag.total();
        boolean behind = maxLag.get() > BEHIND_NANOS;

        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("sent", c.sent());
        counts.put("sentMeasured", c.sentMeasured());
        counts.put("acked", c.acked());
        counts.put("errors", c.errorsByCode());
        counts.put("unanswered", c.unanswered());
        counts.put("expectedDeliveries", c.expectedDeliveries());
        counts.put("delivered", c.delivered());
        counts.put("lost", c.lost());
        counts.put("duplicated", c.duplicated());
        counts.put("outOfOrderConversation", c.outOfOrderConversation());
        counts.put("outOfOrderSender", c.outOfOrderSender());
        counts.put("seqMismatch", c.seqMismatch());
        counts.put("misrouted", c.misrouted());
        counts.put("deliveredAfterError", c.deliveredAfterError());
        counts.put("deliveredUnanswered", c.unansweredDelivered());
        counts.put("duplicateAnswers", c.duplicateAnswers());
        counts.put("otherMessageFrames", c.foreignFrames());
        json.put("counts", counts);

        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("measuredSeconds", seconds);
        rates.put("targetSendRate", o.rate());
        rates.put("sendRate", round(c.sentMeasured() / seconds));
        rates.put("ackRate", round(c.ackedInWindow() / seconds));
        rates.put("deliveryRate", round(c.deliveredInWindow() / seconds));
        rates.put("targetDeliveryRate", round(o.rate() * (o.scenario() == Scenario.PAIRS ? 2 : o.members())));
        json.put("rates", rates);

        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("ack", ack.toMap());
        latency.put("deliver", deliver.toMap());
        json.put("latencyMs", latency);

        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("behind", behind);
        generator.put("scheduleLagMs", lagStats.toMap());
        generator.put("sendsOver100msLate", lateSends.sum());
        generator.put("maxFramesQueuedInOneSession", wire.maxQueued.get());
        generator.put("socketWriteFailures", wire.writeFailures.sum());
        generator.put("unexpectedCloses", closes());
        generator.put("reconnectFrames", wire.reconnectFrames.sum());
        json.put("generator", generator);
        List<Map<String, Object>> procs = processTable(before, after, seconds);

        StringBuilder t = new StringBuilder();
        t.append("\n==================================================================================\n");
        t.append(String.format(Locale.ROOT, " parley load %s: %s%n", json.get("scenario"), describe()));
        t.append("----------------------------------------------------------------------------------\n");
        t.append(String.format(Locale.ROOT, " measured window   %.1f s after %.1f s warm-up (grace %d s)%n", seconds,
                o.warmup().toMillis() / 1000.0, o.grace().toSeconds()));
        t.append(String.format(Locale.ROOT, " sent              %,d (%,d measured)  rate %,.1f/s of %,.1f/s target%n",
                c.sent(), c.sentMeasured(), c.sentMeasured() / seconds, o.rate()));
        t.append(String.format(Locale.ROOT, " acked             %,d   errors %s   unanswered %,d%n", c.acked(),
                c.errorsByCode().isEmpty() ? "0" : c.errorsByCode(), c.unanswered()));
        t.append(String.format(Locale.ROOT, " delivered         %,d of %,d expected   rate %,.1f/s of %,.1f/s offered%n",
                c.delivered(), c.expectedDeliveries(), c.deliveredInWindow() / seconds, rates.get("targetDeliveryRate")));
        t.append(String.format(Locale.ROOT, " lost %,d   duplicated %,d   out of order: conversation %,d, sender %,d%n",
                c.lost(), c.duplicated(), c.outOfOrderConversation(), c.outOfOrderSender()));
        if (c.lost() > 0) {
            t.append(String.format(Locale.ROOT, " (lost = not arrived when the %d s grace period ended; a backlog that drains"
                    + " later looks the same: rerun with a longer --grace to tell late from lost)%n", o.grace().toSeconds()));
        }
        if (c.seqMismatch() + c.misrouted() + c.deliveredAfterError() + c.duplicateAnswers() > 0) {
            t.append(String.format(Locale.ROOT, " ANOMALIES         seq mismatch %d, misrouted %d, delivered after error %d,"
                    + " duplicate answers %d%n", c.seqMismatch(), c.misrouted(), c.deliveredAfterError(), c.duplicateAnswers()));
        }
        t.append(String.format(Locale.ROOT, " %-16s %9s %9s %9s %9s %9s %10s%n", "latency (ms)", "p50", "p90", "p99", "p99.9",
                "max", "count"));
        latencyRow(t, "send -> ack", ack);
        latencyRow(t, "send -> deliver", deliver);
        latencyRow(t, "schedule lag", lagStats);
        t.append(behind ? String.format(Locale.ROOT, " GENERATOR FELL BEHIND: %,d sends fired more than 100 ms late (max %.0f ms);"
                + " its own delay is in the figures%n", lateSends.sum(), maxLag.get() / 1e6)
                : " generator kept its schedule (no send fired more than 100 ms late)\n");
        if (!closes().isEmpty()) {
            t.append(" UNEXPECTED CLOSES ").append(closes()).append('\n');
        }
        appendProcesses(t, procs, "CPU % of one core over the measured window");
        t.append("==================================================================================\n");
        out.print(t);
        out.flush();
    }

    private String describe() {
        return switch (o.scenario()) {
            case PAIRS -> String.format(Locale.ROOT, "%d pairs (%s across nodes), %,.0f msgs/s, %d-char messages", o.pairs(),
                    json.get("pairsAcrossNodes"), o.rate(), o.messageSize());
            case GROUP -> String.format(Locale.ROOT, "group of %d, %d senders, %,.0f msgs/s (%,.0f deliveries/s), %d-char"
                    + " messages", o.members(), o.senders(), o.rate(), o.rate() * o.members(), o.messageSize());
            case IDLE -> String.format(Locale.ROOT, "%,d idle connections held %d s", o.connections(), o.duration().toSeconds());
        };
    }

    private static void latencyRow(StringBuilder t, String name, Latency.Stats s) {
        t.append(String.format(Locale.ROOT, " %-16s %9.2f %9.2f %9.2f %9.2f %9.2f %,10d%n", name, s.p50(), s.p90(), s.p99(),
                s.p999(), s.max(), s.count()));
    }

    private Map<String, Long> closes() {
        Map<String, Long> m = new TreeMap<>();
        wire.closesByCode.forEach((code, n) -> m.put(Integer.toString(code), n.sum()));
        return m;
    }

    // --- idle ------------------------------------------------------------------------------------

    private void idle() {
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> before = sampleIdle();
        List<ChatSession> all = connect(o.connections());
        progress("settling " + o.settle().toSeconds() + " s before measuring");
        sleepQuietly(o.settle().toMillis());
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> settled = sampleIdle();
        long holdStart = System.nanoTime();
        long holdEnd = holdStart + o.duration().toNanos();
        long pongsBefore = wire.pongs.sum();
        long pingsBefore = wire.pings.sum();
        while (System.nanoTime() < holdEnd) {
            sleepQuietly(Math.min(o.progressInterval().toMillis(), Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            long open = all.stream().filter(ChatSession::isOpen).count();
            progress(String.format(Locale.ROOT, "idle    %,d of %,d open, pings %,d, pongs %,d, closed by the server %s", open,
                    all.size(), wire.pings.sum(), wire.pongs.sum(), closes()));
        }
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> after = sampleIdle();
        double seconds = (System.nanoTime() - holdStart) / 1e9;
        long open = all.stream().filter(ChatSession::isOpen).count();

        // Per connection means per connection still open: a session the server closed holds nothing there.
        Map<String, Integer> byNode = new TreeMap<>();
        all.stream().filter(ChatSession::isOpen).forEach(s -> byNode.merge(String.valueOf(s.node()), 1, Integer::sum));
        List<Map<String, Object>> chatNodes = new ArrayList<>();
        long totalDelta = 0;
        int measuredConnections = 0;
        StringBuilder t = new StringBuilder();
        t.append("\n==================================================================================\n");
        t.append(" parley load idle: ").append(describe()).append('\n');
        t.append("----------------------------------------------------------------------------------\n");
        t.append(String.format(Locale.ROOT, " open at the end   %,d of %,d   pings %,d, pongs %,d during the hold   closed by"
                + " the server %s%n", open, all.size(), wire.pings.sum() - pingsBefore, wire.pongs.sum() - pongsBefore,
                closes()));
        t.append(String.format(Locale.ROOT, " %-12s %11s %11s %13s %11s %11s%n", "chat node", "open conns", "RSS before",
                "RSS after", "delta", "per conn"));
        for (ProcessMonitor.Proc p : processes.processes()) {
            Integer n = byNode.get(p.name());
            if (n == null) {
                continue;
            }
            ProcessMonitor.Sample b = before.get(p);
            ProcessMonitor.Sample a = after.get(p);
            ProcessMonitor.Sample s = settled.get(p);
            if (b == null || a == null) {
                continue;
            }
            long delta = a.rssKb() - b.rssKb();
            totalDelta += delta;
            measuredConnections += n;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", p.name());
            m.put("pid", p.pid());
            m.put("openSessions", n);
            m.put("rssKbBefore", b.rssKb());
            m.put("rssKbSettled", s == null ? null : s.rssKb());
            m.put("rssKbAfter", a.rssKb());
            m.put("rssKbDelta", delta);
            m.put("bytesPerConnection", delta * 1024 / n);
            chatNodes.add(m);
            t.append(String.format(Locale.ROOT, " %-12s %,11d %,9d KB %,11d KB %,8d KB %,8d B%n", p.name(), n, b.rssKb(),
                    a.rssKb(), delta, delta * 1024 / n));
        }
        Map<String, Object> idle = new LinkedHashMap<>();
        idle.put("connections", all.size());
        idle.put("openAtEnd", open);
        idle.put("holdSeconds", round(seconds));
        idle.put("pingsDuringHold", wire.pings.sum() - pingsBefore);
        idle.put("pongsDuringHold", wire.pongs.sum() - pongsBefore);
        idle.put("unexpectedCloses", closes());
        idle.put("openSessionsByNode", byNode);
        idle.put("chatNodes", chatNodes);
        if (measuredConnections > 0) {
            idle.put("bytesPerConnection", totalDelta * 1024 / measuredConnections);
            t.append(String.format(Locale.ROOT, " all chat nodes: %,d KB more RSS for %,d connections = %,d bytes per connection%n",
                    totalDelta, measuredConnections, totalDelta * 1024 / measuredConnections));
        } else {
            idle.put("bytesPerConnection", null);
            t.append(" chat nodes' RSS not measured: ").append(processes.note()).append('\n');
        }
        json.put("idle", idle);
        List<Map<String, Object>> procs = processTable(settled, after, seconds);
        appendProcesses(t, procs, "CPU % of one core while held idle; RSS at the end");
        t.append("==================================================================================\n");
        out.print(t);
        out.flush();
    }

    // --- processes -------------------------------------------------------------------------------

    /** An RSS sample for the idle scenario; with {@code --gc}, after a full GC of every chat node. */
    private Map<ProcessMonitor.Proc, ProcessMonitor.Sample> sampleIdle() {
        if (o.gc()) {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            for (ProcessMonitor.Proc p : processes.processes()) {
                if (!p.name().startsWith("chat")) {
                    continue;
                }
                try {
                    Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "GC.run")
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
                        gc.destroyForcibly();
                        progress("jcmd " + p.pid() + " GC.run failed; RSS sampled without it");
                    }
                } catch (IOException e) {
                    progress("cannot run " + jcmd + " (" + e.getMessage() + "); RSS sampled without a GC");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return sampleAll();
    }

    private Map<ProcessMonitor.Proc, ProcessMonitor.Sample> sampleAll() {
        Map<ProcessMonitor.Proc, ProcessMonitor.Sample> m = new LinkedHashMap<>();
        for (ProcessMonitor.Proc p : processes.processes()) {
            monitor.sample(p.pid()).ifPresent(s -> m.put(p, s));
        }
        return m;
    }

    private List<Map<String, Object>> processTable(Map<ProcessMonitor.Proc, ProcessMonitor.Sample> before,
                                                   Map<ProcessMonitor.Proc, ProcessMonitor.Sample> after, double seconds) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (before != null && after != null) {
            for (ProcessMonitor.Proc p : processes.processes()) {
                ProcessMonitor.Sample b = before.get(p);
                ProcessMonitor.Sample a = after.get(p);
                if (b == null || a == null) {
                    continue;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", p.name());
                row.put("pid", p.pid());
                row.put("cpuPercent", round(monitor.cpuPercent(b, a, seconds)));
                row.put("rssMbStart", round(b.rssKb() / 1024.0));
                row.put("rssMbEnd", round(a.rssKb() / 1024.0));
                rows.add(row);
            }
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("note", processes.note());
        section.put("windowSeconds", round(seconds));
        section.put("list", rows);
        json.put("processes", section);
        return rows;
    }

    private void appendProcesses(StringBuilder t, List<Map<String, Object>> rows, String title) {
        if (rows.isEmpty()) {
            t.append(" processes: ").append(processes.note()).append('\n');
            return;
        }
        t.append(" ").append(title).append('\n');
        t.append(String.format(Locale.ROOT, " %-18s %8s %8s %12s%n", "process", "pid", "CPU %", "RSS MB"));
        double parley = 0;
        for (Map<String, Object> r : rows) {
            t.append(String.format(Locale.ROOT, " %-18s %8d %8.1f %12.1f%n", r.get("name"), r.get("pid"), r.get("cpuPercent"),
                    r.get("rssMbEnd")));
            if (!"load-generator".equals(r.get("name"))) {
                parley += (Double) r.get("cpuPercent");
            }
        }
        t.append(String.format(Locale.ROOT, " %-18s %8s %8.1f%n", "Parley total", "", parley));
    }

    // --- output ----------------------------------------------------------------------------------

    private void write() {
        Path file = o.output().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
            Files.writeString(file, mapper.writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        out.println(" JSON: " + file);
    }

    private Map<String, Object> optionsMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gateway", o.gateway());
        m.put("prefix", o.prefix());
        switch (o.scenario()) {
            case PAIRS -> m.put("pairs", o.pairs());
            case GROUP -> {
                m.put("members", o.members());
                m.put("senders", o.senders());
            }
            case IDLE -> m.put("connections", o.connections());
        }
        if (o.scenario() != Scenario.IDLE) {
            m.put("rate", o.rate());
            m.put("warmupSeconds", o.warmup().toMillis() / 1000.0);
            m.put("graceSeconds", o.grace().toMillis() / 1000.0);
            m.put("messageSize", o.messageSize());
        } else {
            m.put("settleSeconds", o.settle().toMillis() / 1000.0);
            m.put("gcBeforeRss", o.gc());
        }
        m.put("durationSeconds", o.duration().toMillis() / 1000.0);
        return m;
    }

    // --- helpers ---------------------------------------------------------------------------------

    private void progress(String line) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
        out.flush();
    }

    private static String secondsSince(long start) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9);
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10) / 10.0;
    }

    private static void waitUntil(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            sleepQuietly(50);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
