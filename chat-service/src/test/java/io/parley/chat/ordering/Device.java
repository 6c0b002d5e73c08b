package io.parley.chat.ordering;

import io.parley.chat.ordering.ConversationReplica.Held;
import io.parley.chat.ordering.ConversationReplica.Outcome;
import io.parley.chat.ordering.ConversationReplica.Source;
import io.parley.testsupport.jwt.TestJwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A protocol v1 client device that keeps one conversation the way docs/protocol.md tells a real
 * client to: after {@code welcome} it syncs from its cursor (following {@code more}); live
 * {@code message} frames and sync answers are merged by seq ({@link ConversationReplica}); a live
 * seq above a hole makes it sync again. Its own messages come back live to the sending session
 * like anyone's (the ack carries no seq; the live copy does).
 *
 * <p>It can be told to lose live messages on purpose ({@link #dropEveryNthLive}, {@link #dropNextLive})
 * and to lose its connection ({@link #disconnect}); frames of a connection it dropped are ignored,
 * as a real client would never see them. A connection the server side loses (its node killed) is
 * noticed: {@link #connected()} turns false and {@link #connectionsLost} counts it, so a test can
 * reconnect the device elsewhere. At most one {@code sync} is in flight; a wish to sync while
 * one is running is remembered and served when the answer arrives.
 *
 * <p>Not a Spring component: the package is inside the application's component scan.
 */
final class Device implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Small pages, so catching up after a disconnect follows {@code more} several times. */
    private static final int SYNC_LIMIT = 40;

    final String name;
    final long userId;
    final ConversationReplica replica;

    /** Frames go out on one thread: the JDK client refuses a send while another is pending. */
    private final ExecutorService outbox;
    private final Map<String, CompletableFuture<JsonNode>> pendingAcks = new ConcurrentHashMap<>();
    private final Queue<JsonNode> errors = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Set<Long> droppedOnPurpose = ConcurrentHashMap.newKeySet();
    /** Ids of this device's acked messages it does not hold yet (their seq is still unknown to it). */
    private final Set<String> ownUnplaced = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "device-resync");
        thread.setDaemon(true);
        return thread;
    });
    /** Pause before asking again for an own message that is acked but not sequenced yet. */
    private static final Duration OWN_MESSAGE_RETRY = Duration.ofMillis(100);

    final AtomicInteger connections = new AtomicInteger();
    /** Connections that ended without this device asking (closed or broken by the server side). */
    final AtomicInteger connectionsLost = new AtomicInteger();
    final AtomicInteger syncsSent = new AtomicInteger();
    final AtomicInteger gapSyncs = new AtomicInteger();
    final AtomicInteger liveReceived = new AtomicInteger();

    private volatile ScheduledFuture<?> heartbeat;
    private volatile int dropEveryNthLive;
    private final AtomicInteger dropNext = new AtomicInteger();

    // Connection and sync state, guarded by this.
    private int generation;
    private WebSocket socket;
    private URI node;
    private boolean welcomed;
    private boolean syncInFlight;
    private boolean syncWanted;
    private CompletableFuture<Void> welcome = new CompletableFuture<>();

    Device(String name, long userId, long conversationId) {
        this.name = name;
        this.userId = userId;
        this.replica = new ConversationReplica(conversationId);
        this.outbox = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "device-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens a new session on this node and waits for its welcome; the device then syncs by itself. */
    void connect(URI node) throws Exception {
        CompletableFuture<Void> welcomed;
        int gen;
        synchronized (this) {
            gen = ++generation;
            this.node = node;
            this.welcomed = false;
            this.syncInFlight = false;
            this.syncWanted = false;
            this.welcome = new CompletableFuture<>();
            welcomed = this.welcome;
        }
        WebSocket opened = HTTP.newWebSocketBuilder().connectTimeout(WAIT)
                .header("Authorization", "Bearer " + TestJwt.token(userId))
                .buildAsync(node, new Listener(gen))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        synchronized (this) {
            if (generation != gen) {
                opened.abort(); // disconnected meanwhile
            }
        }
        try {
            welcomed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            // No welcome (node not ready, closed with 1013, killed): leave no half-open session behind.
            synchronized (this) {
                if (generation == gen) {
                    generation++;
                    socket = null;
                }
            }
            opened.abort();
            throw e;
        }
        connections.incrementAndGet();
    }

    /** Loses the connection abruptly (no close handshake), like a phone going into a tunnel. */
    void disconnect() {
        WebSocket lost;
        synchronized (this) {
            generation++;
            welcomed = false;
            syncInFlight = false;
            lost = socket;
            socket = null;
        }
        if (lost != null) {
            lost.abort();
        }
    }

    /**
     * The server side ended connection {@code gen} (close frame, reset, node killed). Ignored for a
     * connection this device already left; otherwise the device is no longer connected, and a
     * welcome it still waits for will not come.
     */
    private void lost(int gen) {
        CompletableFuture<Void> pendingWelcome;
        synchronized (this) {
            if (generation != gen) {
                return;
            }
            generation++;
            welcomed = false;
            syncInFlight = false;
            socket = null;
            pendingWelcome = welcome;
        }
        connectionsLost.incrementAndGet();
        pendingWelcome.completeExceptionally(new IllegalStateException(name + " lost its connection before welcome"));
    }

    synchronized URI node() {
        return node;
    }

    synchronized boolean connected() {
        return welcomed;
    }

    /** A send answered by an {@code error} frame. */
    static final class Refused extends IllegalStateException {
        final transient JsonNode frame;

        Refused(String device, JsonNode frame) {
            super(device + " got " + frame);
            this.frame = frame;
        }

        String code() {
            return frame.path("code").asString();
        }
    }

    /**
     * Sends a text message; the future completes with its {@code ack}, or fails with {@link Refused}
     * for an error frame. It never completes if the connection is lost first: a sender resends.
     */
    CompletableFuture<JsonNode> send(String clientId, String text) {
        return send(clientId, text, false);
    }

    /** As {@link #send(String, String)}; {@code resend} marks an id sent before, as docs/protocol.md asks. */
    CompletableFuture<JsonNode> send(String clientId, String text, boolean resend) {
        CompletableFuture<JsonNode> ack = new CompletableFuture<>();
        pendingAcks.put(clientId, ack);
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "send");
        frame.put("id", clientId);
        frame.put("conversationId", Long.toString(replica.conversationId()));
        frame.put("text", text);
        if (resend) {
            frame.put("resend", true);
        }
        WebSocket current;
        synchronized (this) {
            current = socket;
        }
        if (current == null) {
            ack.completeExceptionally(new IllegalStateException(name + " is not connected"));
            return ack;
        }
        write(current, frame);
        return ack;
    }

    /**
     * Pings every {@code interval} while connected, as docs/protocol.md ("Heartbeats") asks, so a
     * device that only listens is not closed for idleness during a long test.
     */
    void keepAlive(Duration interval) {
        heartbeat = LATER.scheduleWithFixedDelay(() -> {
            WebSocket current;
            synchronized (this) {
                current = welcomed ? socket : null;
            }
            if (current != null) {
                write(current, Map.of("type", "ping"));
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops every n-th live message it receives (0: none), as if it never arrived. */
    void dropEveryNthLive(int n) {
        dropEveryNthLive = n;
    }

    /** Drops the next live message it receives. */
    void dropNextLive() {
        dropNext.incrementAndGet();
    }

    /** Seqs of live messages this device threw away on purpose. */
    Set<Long> droppedOnPurpose() {
        return Set.copyOf(droppedOnPurpose);
    }

    List<JsonNode> errors() {
        return List.copyOf(errors);
    }

    /** Frames this client could not handle (must stay empty). */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Welcomed, and no sync running or wanted: what it holds is what its last sync answer said. */
    synchronized boolean settled() {
        return welcomed && !syncInFlight && !syncWanted;
    }

    /** Asks for a sync now, or as soon as the running one is answered. */
    void requestSync() {
        WebSocket target;
        long cursor;
        synchronized (this) {
            if (!welcomed) {
                return; // the welcome of the next connection syncs anyway
            }
            if (syncInFlight) {
                syncWanted = true;
                return;
            }
            syncInFlight = true;
            syncWanted = false;
            target = socket;
            cursor = replica.cursor();
        }
        syncsSent.incrementAndGet();
        write(target, Map.of("type", "sync", "limit", SYNC_LIMIT,
                "cursors", Map.of(Long.toString(replica.conversationId()), Long.toString(cursor))));
    }

    private void write(WebSocket target, Object frame) {
        String text = JSON.writeValueAsString(frame);
        outbox.execute(() -> {
            try {
                target.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // The connection is gone (disconnect() aborted it): a reconnect syncs from the cursor.
            }
        });
    }

    private synchronized boolean current(int gen) {
        return generation == gen;
    }

    private void onFrame(int gen, JsonNode frame) {
        if (!current(gen)) {
            return; // a connection this device already gave up on
        }
        switch (frame.path("type").asString()) {
            case "welcome" -> {
                CompletableFuture<Void> done;
                synchronized (this) {
                    welcomed = true;
                    done = welcome;
                }
                requestSync();
                done.complete(null);
            }
            case "message" -> onLive(frame.path("message"));
            case "sync_result" -> onSyncResult(frame);
            case "ack" -> {
                ownUnplaced.add(frame.path("messageId").asString());
                CompletableFuture<JsonNode> ack = pendingAcks.remove(frame.path("id").asString());
                if (ack != null) {
                    ack.complete(frame);
                }
                // No sync needed: the message comes back live with its seq. If that copy is lost
                // (dropped, disconnected), the next gap or reconnect sync brings it.
            }
            case "error" -> {
                errors.add(frame);
                CompletableFuture<JsonNode> ack = frame.has("ref") ? pendingAcks.remove(frame.path("ref").asString()) : null;
                if (ack != null) {
                    ack.completeExceptionally(new Refused(name, frame));
                }
                if (frame.path("code").asString().equals("unavailable") && !frame.has("ref")) {
                    synchronized (this) {
                        syncInFlight = false;
                    }
                    requestSync();
                }
            }
            default -> {
                // pong, presence, reconnect…: not about this conversation's messages
            }
        }
    }

    private void onLive(JsonNode message) {
        if (!message.path("conversationId").asString().equals(Long.toString(replica.conversationId()))) {
            return;
        }
        int received = liveReceived.incrementAndGet();
        int every = dropEveryNthLive;
        boolean drop = (every > 0 && received % every == 0)
                || dropNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        long seq = message.path("seq").asLong();
        if (drop) {
            if (!replica.holds(seq)) {
                droppedOnPurpose.add(seq); // a real loss; losing a copy it holds would prove nothing
            }
            return;
        }
        if (apply(message, Source.LIVE) == Outcome.GAP) {
            gapSyncs.incrementAndGet();
            requestSync();
        }
    }

    private void onSyncResult(JsonNode result) {
        for (JsonNode message : result.path("messages")) {
            if (message.path("conversationId").asString().equals(Long.toString(replica.conversationId()))) {
                apply(message, Source.SYNC);
            }
        }
        boolean again;
        synchronized (this) {
            syncInFlight = false;
            // A held seq above a hole cannot be a message that is not stored yet (the sequencer
            // persists in seq order before it delivers), so syncing again fills it.
            again = result.path("more").asBoolean() || syncWanted || replica.hasGap();
        }
        if (again) {
            requestSync();
        } else if (!ownUnplaced.isEmpty()) {
            // Acked but not sequenced yet (the ack comes before the sequencer runs): ask again soon.
            LATER.schedule(this::requestSync, OWN_MESSAGE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Outcome apply(JsonNode message, Source source) {
        Outcome outcome = replica.apply(held(message, source));
        ownUnplaced.remove(message.path("messageId").asString());
        return outcome;
    }

    private static Held held(JsonNode m, Source source) {
        return new Held(m.path("seq").asLong(), m.path("messageId").asString(), m.path("senderId").asString(),
                m.path("clientMessageId").asString(), m.path("sentAt").asLong(), source);
    }

    @Override
    public void close() {
        ScheduledFuture<?> beating = heartbeat;
        if (beating != null) {
            beating.cancel(false);
        }
        disconnect();
        outbox.shutdownNow();
    }

    @Override
    public String toString() {
        return name + "[user " + userId + ", cursor " + replica.cursor() + (replica.hasGap() ? ", gap" : "")
                + ", " + node + ", failures " + failures + ", errors " + errors + "]";
    }

    private final class Listener implements WebSocket.Listener {
        private final int gen;
        private final StringBuilder partial = new StringBuilder();

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // Before any frame of this connection (the welcome may beat buildAsync's completion).
            synchronized (Device.this) {
                if (generation == gen) {
                    socket = webSocket;
                }
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onFrame(gen, JSON.readTree(text));
                } catch (RuntimeException e) {
                    // A bug of this test client must fail the test, not vanish in the listener.
                    failures.add(e + " on " + text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(gen);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            // Broken (a killed node resets the TCP connection): the test reconnects the device.
            lost(gen);
        }
    }
}
