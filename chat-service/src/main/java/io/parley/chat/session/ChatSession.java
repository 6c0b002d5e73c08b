package io.parley.chat.session;

import io.parley.chat.ratelimit.SessionBudget;
import io.parley.chat.send.SendOrder;
import io.parley.common.protocol.ServerFrame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * One client connection of one user on this node. Frames are written through a
 * {@link SocketWriter} (never waits for the client; bounded bytes and time waiting for it), and
 * everything that may block runs on the session's {@link Lane}.
 */
public final class ChatSession {

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);
    /** Deliveries that may wait for a client that reads slowly before it is disconnected. */
    static final int MAX_QUEUED_TASKS = 1024;

    private final String id;
    private final long userId;
    private final SocketWriter writer;
    private final Lane lane;
    private final FrameCodec codec;
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private final SendOrder sendOrder = new SendOrder();
    /** This session's share of the rate limits: lives and dies with the session. */
    private final SessionBudget budget;
    /** Completes when every answer so far is queued for writing (guarded by this). */
    private CompletableFuture<Void> answers = CompletableFuture.completedFuture(null);
    /**
     * Per conversation, the highest seq this session has been sent (live or in a sync answer).
     * Fan-out is at least once (a retried Kafka record or a client's re-published send routes the
     * same message again), and live deliveries of one conversation arrive in seq order, so a live
     * message at or below this mark is one the device already has: it is dropped here, not shown twice.
     */
    private final Map<Long, Long> sentUpTo = new ConcurrentHashMap<>();
    private volatile long lastHeardMillis;
    private volatile boolean welcomed;
    /** When the access token of the handshake expires (epoch ms; {@link TokenExpiry#NEVER}: no expiry). */
    private final long tokenExpiresAtMillis;
    private final AtomicBoolean expiryWarned = new AtomicBoolean();
    /** The login ({@code sid}) of the handshake token, null if it has none ({@link TokenRevocation}). */
    private final String login;
    /** When the handshake token was issued (epoch ms; {@link TokenRevocation#UNKNOWN_ISSUE_TIME}: unknown). */
    private final long tokenIssuedAtMillis;

    ChatSession(String id, long userId, SocketWriter writer, Lane lane, FrameCodec codec, SessionBudget budget,
                long now, long tokenExpiresAtMillis) {
        this(id, userId, writer, lane, codec, budget, now, tokenExpiresAtMillis, null, TokenRevocation.UNKNOWN_ISSUE_TIME);
    }

    ChatSession(String id, long userId, SocketWriter writer, Lane lane, FrameCodec codec, SessionBudget budget,
                long now, long tokenExpiresAtMillis, String login, long tokenIssuedAtMillis) {
        this.login = login;
        this.tokenIssuedAtMillis = tokenIssuedAtMillis;
        this.id = id;
        this.budget = budget;
        this.userId = userId;
        this.writer = writer;
        this.lane = lane;
        this.codec = codec;
        this.lastHeardMillis = now;
        this.tokenExpiresAtMillis = tokenExpiresAtMillis;
    }

    /** Node-unique, cluster-unique id of this session (a decimal Snowflake id). */
    public String id() {
        return id;
    }

    public long userId() {
        return userId;
    }

    /** This session's per-session rate limits (docs/protocol.md "Rate limits"). */
    SessionBudget budget() {
        return budget;
    }

    /** Keeps this session's sends in frame order on their way to Kafka. */
    SendOrder sendOrder() {
        return sendOrder;
    }

    /**
     * Queues a live frame (a delivered message) behind whatever this session is doing, and behind
     * every answer still in flight (so the sender's own message never overtakes its {@code ack}).
     * A client so slow that {@value #MAX_QUEUED_TASKS} frames pile up is disconnected: it will
     * resume by sync, and it no longer holds memory or threads that other sessions need.
     */
    public void deliver(ServerFrame frame) {
        synchronized (this) {
            if (!answers.isDone()) {
                answers = answers.handle((previous, failure) -> {
                    queueDelivery(frame);
                    return null;
                });
                return;
            }
        }
        queueDelivery(frame);
    }

    private void queueDelivery(ServerFrame frame) {
        if (!lane.offer(() -> write(frame), MAX_QUEUED_TASKS)) {
            writer.disconnect(MAX_QUEUED_TASKS + " frames queued for session " + id + " of user " + userId);
        }
    }

    /**
     * Like {@link #deliver}, but the frame is made when the lane gets to it (null: nothing to
     * write), so a caller can keep folding updates into it while it waits (presence coalescing).
     */
    public void deliverLatest(Supplier<ServerFrame> frame) {
        if (!lane.offer(() -> {
            ServerFrame latest = frame.get();
            if (latest != null) {
                write(latest);
            }
        }, MAX_QUEUED_TASKS)) {
            writer.disconnect(MAX_QUEUED_TASKS + " frames queued for session " + id + " of user " + userId);
        }
    }

    /**
     * Runs a client frame's handling on the lane unless too many are already pending. The handling
     * may answer later (a send waits for the broker's ack off the lane, so the lane can take up the
     * next frame meanwhile); answers are written in the order of their frames all the same, and a
     * frame stays pending until its answer (null: none) is written.
     */
    boolean submitFrame(Supplier<? extends CompletionStage<ServerFrame>> handling, int maxPending) {
        if (pendingFrames.incrementAndGet() > maxPending) {
            pendingFrames.decrementAndGet();
            return false;
        }
        boolean queued = lane.offer(() -> {
            CompletionStage<ServerFrame> answer;
            try {
                answer = handling.get();
            } catch (RuntimeException e) {
                pendingFrames.decrementAndGet();
                throw e;
            }
            answerInOrder(answer);
        }, MAX_QUEUED_TASKS);
        if (!queued) {
            pendingFrames.decrementAndGet();
        }
        return queued;
    }

    /**
     * Writes the answer (on the lane) once it and every earlier answer are ready. Writes are
     * always queued on the lane, in the order the answers become writable, which is frame order.
     */
    private synchronized void answerInOrder(CompletionStage<ServerFrame> answer) {
        CompletableFuture<ServerFrame> ready = answer.toCompletableFuture().exceptionally(failure -> {
            log.error("answering a frame of session {} failed", id, failure);
            return null;
        });
        // handle(): nothing that went wrong before may stop later answers and deliveries.
        answers = answers.handle((previous, failure) -> null).thenCombine(ready, (previous, frame) -> frame)
                .thenAccept(frame -> lane.offer(() -> {
            try {
                if (frame != null) {
                    write(frame);
                }
            } finally {
                pendingFrames.decrementAndGet();
            }
        }, Integer.MAX_VALUE));
    }

    /** Runs a task on this session's lane (session bookkeeping, not client frames). */
    void onLane(Runnable task) {
        if (!lane.offer(task, Integer.MAX_VALUE)) {
            throw new IllegalStateException("unbounded offer refused");
        }
    }

    /** Hands a frame to the socket now, from the calling thread, without waiting for the client. */
    void write(ServerFrame frame) {
        if (!writer.isOpen()) {
            return;
        }
        if (frame instanceof ServerFrame.Message live && !advance(live.message())) {
            return;
        }
        if (frame instanceof ServerFrame.SyncResult synced) {
            synced.messages().forEach(this::advance);
        }
        writer.send(codec.write(frame));
    }

    /** Raises the conversation's mark to this message; false if the session already had it. */
    private boolean advance(ServerFrame.WireMessage message) {
        long conversationId = Long.parseLong(message.conversationId());
        long before = sentUpTo.getOrDefault(conversationId, 0L);
        sentUpTo.merge(conversationId, message.seq(), Math::max);
        return message.seq() > before;
    }

    void markWelcomed() {
        welcomed = true;
    }

    /** Whether the session got its welcome (it was registered and counts as a live session). */
    boolean welcomed() {
        return welcomed;
    }

    long tokenExpiresAtMillis() {
        return tokenExpiresAtMillis;
    }

    String login() {
        return login;
    }

    long tokenIssuedAtMillis() {
        return tokenIssuedAtMillis;
    }

    boolean expiryWarned() {
        return expiryWarned.get();
    }

    /** @return true for the one caller that gets to send the warning */
    boolean markExpiryWarned() {
        return expiryWarned.compareAndSet(false, true);
    }

    void heard(long now) {
        lastHeardMillis = now;
    }

    long lastHeardMillis() {
        return lastHeardMillis;
    }

    boolean isOpen() {
        return writer.isOpen();
    }

    void close(CloseStatus status) {
        writer.close(status);
    }

    String socketId() {
        return writer.socketId();
    }
}
