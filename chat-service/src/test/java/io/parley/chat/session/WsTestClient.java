package io.parley.chat.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A protocol v1 client for tests, on the JDK's WebSocket: frames in arrival order, as JSON. */
public final class WsTestClient implements AutoCloseable {

    /** Generous: the machine is small and shared with servers starting up. */
    public static final Duration WAIT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ScheduledExecutorService PINGER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "ws-test-pinger");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ScheduledFuture<?> pinging;

    private final WebSocket socket;
    private final BlockingQueue<JsonNode> frames;
    private final CompletableFuture<Integer> closed;

    private WsTestClient(WebSocket socket, BlockingQueue<JsonNode> frames, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    /** Opens a session (header token, or none when null); fails with the handshake's error. */
    public static CompletableFuture<WsTestClient> open(URI uri, String bearerToken) {
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(WAIT);
        if (bearerToken != null) {
            builder.header("Authorization", "Bearer " + bearerToken);
        }
        return builder.buildAsync(uri, new Collector(frames, closed))
                .thenApply(socket -> new WsTestClient(socket, frames, closed));
    }

    /** Opens a session and waits for (and returns) its welcome frame. */
    public static WsTestClient connect(URI uri, String bearerToken) throws Exception {
        WsTestClient client = open(uri, bearerToken).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        client.welcome = client.next("welcome");
        return client;
    }

    private JsonNode welcome;

    public JsonNode welcome() {
        return welcome;
    }

    /** One send at a time: the JDK client refuses a send while another is pending (pings run too). */
    public synchronized void send(String text) {
        socket.sendText(text, true).join();
    }

    public void send(Object frame) {
        send(JSON.writeValueAsString(frame));
    }

    /** The next frame, which must be of this type. */
    public JsonNode next(String type) throws InterruptedException {
        JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no " + type + " frame within " + WAIT + (closed.isDone() ? "; closed " + closed.join() : ""));
        }
        if (!type.equals(frame.path("type").asString())) {
            throw new AssertionError("expected a " + type + " frame, got " + frame);
        }
        return frame;
    }

    /** The next frame of any type, or null when none comes within {@code wait}. */
    public JsonNode poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code ping} at this interval until closed, like a real client's heartbeat (for tests
     * with a short idle timeout). Read with {@link #nextIgnoringPongs} then.
     */
    public void pingEvery(Duration interval) {
        pinging = PINGER.scheduleWithFixedDelay(() -> {
            try {
                send("{\"type\":\"ping\"}");
            } catch (RuntimeException e) {
                // closed meanwhile
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame of this type, skipping {@code pong} frames. */
    public JsonNode nextIgnoringPongs(String type) throws InterruptedException {
        return nextIgnoring(type, Set.of("pong"));
    }

    /** The next frame of this type, skipping frames of the ignored types (e.g. a sender's own messages). */
    public JsonNode nextIgnoring(String type, Set<String> ignored) throws InterruptedException {
        while (true) {
            JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no " + type + " frame within " + WAIT + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            String actual = frame.path("type").asString();
            if (ignored.contains(actual)) {
                continue;
            }
            if (!type.equals(actual)) {
                throw new AssertionError("expected a " + type + " frame, got " + frame);
            }
            return frame;
        }
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (pinging != null) {
            pinging.cancel(false);
        }
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<JsonNode> frames;
        private final CompletableFuture<Integer> closed;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<JsonNode> frames, CompletableFuture<Integer> closed) {
            this.frames = frames;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(JSON.readTree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
