package io.parley.e2e;

import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;

/** One device's WebSocket to a chat node, as a client in any language would hold it. */
final class ChatConnection implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebSocket socket;
    private final BlockingQueue<ServerFrame> received = new LinkedBlockingQueue<>();
    private final List<ServerFrame> skipped = new ArrayList<>();
    private volatile boolean closed;

    private ChatConnection(HttpClient http, URI uri, String token) {
        this.socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener())
                .join();
    }

    static ChatConnection open(HttpClient http, String wsUrl, String token) {
        return new ChatConnection(http, URI.create(wsUrl), token);
    }

    void send(ClientFrame frame) {
        sendRaw(JSON.writeValueAsString(frame));
    }

    void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** The oldest unclaimed frame of the given type; frames of other types seen meanwhile are kept aside. */
    <T extends ServerFrame> T await(Class<T> type) {
        return await(type, frame -> true);
    }

    <T extends ServerFrame> T await(Class<T> type, Predicate<T> matching) {
        for (ServerFrame frame : skipped) {
            if (type.isInstance(frame) && matching.test(type.cast(frame))) {
                skipped.remove(frame);
                return type.cast(frame);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            ServerFrame frame;
            try {
                frame = received.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                continue;
            }
            if (type.isInstance(frame) && matching.test(type.cast(frame))) {
                return type.cast(frame);
            }
            skipped.add(frame);
        }
        throw new AssertionError("no " + type.getSimpleName() + " frame within 30 s; other frames: " + skipped);
    }

    /** Every frame that arrives within the window (for proving that nothing more arrives). */
    List<ServerFrame> drain(Duration window) {
        List<ServerFrame> frames = new ArrayList<>(skipped);
        skipped.clear();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ServerFrame frame = received.poll(100, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    frames.add(frame);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return frames;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(JSON.readValue(partial.toString(), ServerFrame.class));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
        }
    }
}
