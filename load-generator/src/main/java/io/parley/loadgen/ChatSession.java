package io.parley.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * One device's WebSocket to a chat node, speaking protocol v1 (docs/protocol.md): the token in the
 * handshake, {@code welcome} awaited before anything else, {@code ping} whenever nothing else was
 * sent for {@code heartbeatIntervalSeconds}. Frames are written in the order they are given (the JDK
 * WebSocket takes one outstanding write at a time, so later ones queue here) and never block the caller.
 */
final class ChatSession {

    /** Counters shared by all sessions of a run. */
    static final class Wire {
        final LongAdder pings = new LongAdder();
        final LongAdder pongs = new LongAdder();
        final LongAdder writeFailures = new LongAdder();
        final LongAdder badFrames = new LongAdder();
        final LongAdder reconnectFrames = new LongAdder();
        final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
        final LongAccumulator maxQueued = new LongAccumulator(Math::max, 0);
    }

    private static final String PING = "{\"type\":\"ping\"}";

    final int index;
    final RestClient.User user;
    final String wsUrl;
    final CompletableFuture<Frame> welcome = new CompletableFuture<>();
    /** The conversation under load this session is a member of, and its slot there (-1: none). */
    volatile Tracker.Conversation conversation;
    volatile int slot = -1;
    volatile Tracker tracker;

    private final Wire wire;
    private final Map<String, Long> highestSeq = new ConcurrentHashMap<>();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean writing;
    private volatile WebSocket socket;
    private volatile long lastSentNanos = System.nanoTime();
    private volatile long heartbeatNanos = TimeUnit.SECONDS.toNanos(15);
    private volatile boolean closed;
    private volatile String node;

    ChatSession(int index, RestClient.User user, String wsUrl, Tracker tracker, Wire wire) {
        this.index = index;
        this.user = user;
        this.wsUrl = wsUrl;
        this.tracker = tracker;
        this.wire = wire;
    }

    /** Opens the socket; completes when {@code welcome} arrived (or fails: 401, 503, timeout). */
    CompletableFuture<ChatSession> open(HttpClient http, Duration timeout) {
        http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + user.token())
                .connectTimeout(timeout)
                .buildAsync(URI.create(wsUrl), new Listener())
                .whenComplete((ws, e) -> {
                    if (e != null) {
                        welcome.completeExceptionally(e);
                    } else {
                        socket = ws;
                    }
                });
        return welcome.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).thenApply(w -> {
            node = w.node();
            if (w.heartbeatSeconds() > 0) {
                heartbeatNanos = TimeUnit.SECONDS.toNanos(w.heartbeatSeconds());
            }
            return this;
        });
    }

    /** The chat node's id from {@code welcome}. */
    String node() {
        return node;
    }

    boolean isOpen() {
        return socket != null && !closed;
    }

    /** Queues a text frame; returns at once. */
    void send(String frame) {
        lastSentNanos = System.nanoTime();
        synchronized (queue) {
            if (writing) {
                queue.add(frame);
                wire.maxQueued.accumulate(queue.size());
                return;
            }
            writing = true;
        }
        write(frame);
    }

    /** Sends a {@code ping} if nothing was sent for the heartbeat interval (called every second). */
    void heartbeat(long nowNanos) {
        if (isOpen() && nowNanos - lastSentNanos >= heartbeatNanos - TimeUnit.SECONDS.toNanos(1)) {
            wire.pings.increment();
            send(PING);
        }
    }

    private void write(String first) {
        String frame = first;
        while (frame != null) {
            WebSocket ws = socket;
            if (ws == null || closed) {
                wire.writeFailures.increment();
                frame = next();
                continue;
            }
            CompletableFuture<WebSocket> done;
            try {
                done = ws.sendText(frame, true);
            } catch (RuntimeException e) {
                wire.writeFailures.increment();
                frame = next();
                continue;
            }
            if (!done.isDone()) {
                done.whenComplete((w, e) -> {
                    if (e != null) {
                        wire.writeFailures.increment();
                    }
                    write(next());
                });
                return;
            }
            if (done.isCompletedExceptionally()) {
                wire.writeFailures.increment();
            }
            frame = next();
        }
    }

    private String next() {
        synchronized (queue) {
            String frame = queue.poll();
            if (frame == null) {
                writing = false;
            }
            return frame;
        }
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null && !closed) {
            closed = true;
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "load run over")
                    .orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((w, e) -> ws.abort());
        }
    }

    private void onFrame(String text, long nanos) {
        Frame f;
        try {
            f = Frame.parse(text);
        } catch (RuntimeException e) {
            wire.badFrames.increment();
            return;
        }
        Tracker t = tracker;
        switch (f.type()) {
            case "welcome" -> welcome.complete(f);
            case "ack" -> t.ack(f.id(), f.conversationId(), nanos);
            case "message" -> {
                if (f.conversationId() != null && f.seq() >= 0) {
                    Long before = highestSeq.get(f.conversationId());
                    if (before != null && f.seq() < before) {
                        t.conversationOrderViolation();
                    } else {
                        highestSeq.put(f.conversationId(), f.seq());
                    }
                }
                t.delivered(f.clientMessageId(), conversation, slot, f.seq(), nanos);
            }
            case "error" -> t.error(f.ref(), f.code(), nanos);
            case "pong" -> wire.pongs.increment();
            case "reconnect" -> wire.reconnectFrames.increment();
            default -> {
                // presence, receipts, typing: not this generator's business
            }
        }
    }

    /** Whether this session has seen any message of the conversation (e.g. a group's {@code group_created}). */
    boolean hasSeen(String conversationId) {
        return highestSeq.containsKey(conversationId);
    }

    private final class Listener implements WebSocket.Listener {
        private StringBuilder partial;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (!last) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
            } else if (partial != null) {
                partial.append(data);
                String text = partial.toString();
                partial = null;
                onFrame(text, now);
            } else {
                onFrame(data.toString(), now);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closed) { // not our own close at the end of the run
                closed = true;
                wire.closesByCode.computeIfAbsent(statusCode, c -> new LongAdder()).increment();
            }
            welcome.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason + " before welcome"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closed) {
                closed = true;
                wire.closesByCode.computeIfAbsent(1006, c -> new LongAdder()).increment();
            }
            welcome.completeExceptionally(error);
        }
    }
}
