package io.parley.chat.session;

import io.parley.common.protocol.ServerFrame;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One client connection of one user on this node. Frames are written through a
 * {@code ConcurrentWebSocketSessionDecorator} (one writer at a time, bounded buffer and send time),
 * and everything that may block runs on the session's {@link Lane}.
 */
public final class ChatSession {

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);
    /** Deliveries that may wait for a client that reads slowly before it is disconnected. */
    static final int MAX_QUEUED_TASKS = 1024;

    private final String id;
    private final long userId;
    private final WebSocketSession socket;
    private final Lane lane;
    private final FrameCodec codec;
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private volatile long lastHeardMillis;

    ChatSession(String id, long userId, WebSocketSession socket, Lane lane, FrameCodec codec, long now) {
        this.id = id;
        this.userId = userId;
        this.socket = socket;
        this.lane = lane;
        this.codec = codec;
        this.lastHeardMillis = now;
    }

    /** Node-unique, cluster-unique id of this session (a decimal Snowflake id). */
    public String id() {
        return id;
    }

    public long userId() {
        return userId;
    }

    /**
     * Queues a live frame (a delivered message) behind whatever this session is doing. A client
     * so slow that {@value #MAX_QUEUED_TASKS} frames pile up is disconnected: it will resume by
     * sync, and it no longer holds memory or threads that other sessions need.
     */
    public void deliver(ServerFrame frame) {
        if (!lane.offer(() -> write(frame), MAX_QUEUED_TASKS)) {
            log.info("session {} of user {} reads too slowly; disconnecting", id, userId);
            close(CloseStatus.SESSION_NOT_RELIABLE);
        }
    }

    /** Runs a client frame's handling on the lane unless too many are already pending. */
    boolean submitFrame(Runnable handling, int maxPending) {
        if (pendingFrames.incrementAndGet() > maxPending) {
            pendingFrames.decrementAndGet();
            return false;
        }
        boolean queued = lane.offer(() -> {
            try {
                handling.run();
            } finally {
                pendingFrames.decrementAndGet();
            }
        }, MAX_QUEUED_TASKS);
        if (!queued) {
            pendingFrames.decrementAndGet();
        }
        return queued;
    }

    /** Runs a task on this session's lane (session bookkeeping, not client frames). */
    void onLane(Runnable task) {
        if (!lane.offer(task, Integer.MAX_VALUE)) {
            throw new IllegalStateException("unbounded offer refused");
        }
    }

    /** Writes a frame now, from the calling thread. Failures close the session. */
    void write(ServerFrame frame) {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.sendMessage(new TextMessage(codec.write(frame)));
        } catch (IOException | RuntimeException e) {
            // Includes SessionLimitExceededException: the decorator already closed the session.
            log.debug("write to session {} failed: {}", id, e.toString());
            close(CloseStatus.SESSION_NOT_RELIABLE);
        }
    }

    void heard(long now) {
        lastHeardMillis = now;
    }

    long lastHeardMillis() {
        return lastHeardMillis;
    }

    boolean isOpen() {
        return socket.isOpen();
    }

    void close(CloseStatus status) {
        try {
            socket.close(status);
        } catch (IOException | RuntimeException e) {
            log.debug("closing session {} failed: {}", id, e.toString());
        }
    }

    String socketId() {
        return socket.getId();
    }
}
