package io.parley.chat.session;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Writes text frames to one client without waiting for it: a frame is handed to Jetty, which
 * queues it and sends it as the client reads, so no thread of the node ever waits on a slow
 * client. What a client has not read yet is bounded instead: more than {@code maxQueuedBytes}
 * waiting, or a frame that has waited longer than {@code maxWait} when the next one is written,
 * and the connection is dropped. A close frame would wait behind everything the client has not
 * read, so it gets none; it sees the connection end (1006), reconnects and resumes by sync, and no
 * other client paid for it.
 */
final class SocketWriter {

    private static final Logger log = LoggerFactory.getLogger(SocketWriter.class);

    private final String socketId;
    private final Session jetty;
    private final long maxQueuedBytes;
    private final long maxWaitNanos;
    private final AtomicLong queuedBytes = new AtomicLong();
    /** When each frame still in Jetty's queue was handed over (nanoTime); Jetty completes them in order. */
    private final Queue<Long> handedOverAt = new ConcurrentLinkedQueue<>();

    SocketWriter(String socketId, Session jetty, long maxQueuedBytes, Duration maxWait) {
        this.socketId = socketId;
        this.jetty = jetty;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** The writer of a session Spring opened on Jetty (the only container chat-service runs on). */
    static SocketWriter of(WebSocketSession socket, long maxQueuedBytes, Duration maxWait) {
        if (!(socket instanceof NativeWebSocketSession holder && holder.getNativeSession() instanceof Session jetty)) {
            throw new IllegalArgumentException("not a Jetty WebSocket session: " + socket.getClass().getName());
        }
        return new SocketWriter(socket.getId(), jetty, maxQueuedBytes, maxWait);
    }

    /** Queues the frame, or disconnects the client if it has fallen too far behind. */
    void send(String text) {
        if (!jetty.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        Long oldest = handedOverAt.peek();
        if (oldest != null && now - oldest > maxWaitNanos) {
            disconnect("a frame waited over " + Duration.ofNanos(maxWaitNanos));
            return;
        }
        long bytes = utf8Length(text);
        if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
            queuedBytes.addAndGet(-bytes);
            disconnect("over " + maxQueuedBytes + " bytes waiting");
            return;
        }
        handedOverAt.add(now);
        jetty.sendText(text, Callback.from(() -> written(bytes), failure -> {
            written(bytes);
            log.debug("write to {} failed: {}", socketId, failure.toString());
        }));
    }

    private void written(long bytes) {
        handedOverAt.poll();
        queuedBytes.addAndGet(-bytes);
    }

    /** Drops the connection at once: frees what waits for the client, and the session ends now. */
    void disconnect(String why) {
        log.info("client of socket {} reads too slowly ({}); disconnecting", socketId, why);
        jetty.disconnect();
    }

    /** Starts the closing handshake without waiting for it (the close frame queues like any other). */
    void close(CloseStatus status) {
        jetty.close(status.getCode(), status.getReason(), Callback.NOOP);
    }

    boolean isOpen() {
        return jetty.isOpen();
    }

    String socketId() {
        return socketId;
    }

    /** What {@code text} takes in UTF-8, without encoding it (Jetty encodes it once, when it sends). */
    static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // 2 bytes below U+0800, else 3; a surrogate pair is 4 bytes for two chars.
                bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }
}
