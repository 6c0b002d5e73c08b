package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.presence.Presence;
import io.parley.chat.ratelimit.FrameRateLimits;
import io.parley.chat.ratelimit.Refusal;
import io.parley.chat.receipt.Receipts;
import io.parley.chat.send.MessageAccepts;
import io.parley.chat.typing.Typing;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Protocol v1 on {@code /ws/v1}. The upgrade is already authenticated (Spring Security, JWT), so
 * the principal's name is the user id. Container threads only parse frames and answer pings;
 * anything that may block runs on the session's {@link Lane}.
 */
@Component
class ChatWebSocketHandler extends TextWebSocketHandler {

    static final int PROTOCOL_VERSION = 1;
    /** Longest usable client message id (docs/protocol.md, send), in code points. */
    private static final int MAX_CLIENT_ID_LENGTH = 64;
    /** How long a new session may wait for the delivery consumer before it is told to come back. */
    private static final Duration READY_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ChatWebSocketHandler.class);

    /** An application close code (RFC 6455 leaves 4000-4999 to applications); docs/protocol.md lists it. */
    static final CloseStatus TOO_MANY_SESSIONS = new CloseStatus(4008, "too many sessions");

    private final SessionRegistry registry;
    private final SessionDirectory directory;
    private final DeliveryReadiness readiness;
    private final MessageAccepts accepts;
    private final SyncFrames syncs;
    private final Presence presence;
    private final Receipts receipts;
    private final Typing typing;
    private final FrameRateLimits limits;
    private final IdGenerator ids;
    private final Clock clock;
    private final ChatSettings settings;
    private final ExecutorService workers;
    private final FrameCodec codec = new FrameCodec();

    ChatWebSocketHandler(SessionRegistry registry, SessionDirectory directory, DeliveryReadiness readiness,
                         MessageAccepts accepts, SyncFrames syncs, Presence presence, Receipts receipts, Typing typing,
                         FrameRateLimits limits, IdGenerator ids, Clock clock, ChatSettings settings,
                         @Qualifier("sessionWorkers") ExecutorService workers) {
        this.registry = registry;
        this.directory = directory;
        this.readiness = readiness;
        this.accepts = accepts;
        this.syncs = syncs;
        this.presence = presence;
        this.receipts = receipts;
        this.typing = typing;
        this.limits = limits;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.workers = workers;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws Exception {
        Long userId = userIdOf(socket);
        if (userId == null) {
            socket.close(CloseStatus.POLICY_VIOLATION.withReason("token subject is not a user id"));
            return;
        }
        if (registry.draining()) {
            socket.close(CloseStatus.SERVICE_RESTARTED);
            return;
        }
        long tokenExpiresAt = TokenExpiry.expiresAtMillis(socket.getPrincipal());
        if (tokenExpiresAt <= clock.millis()) {
            // Still inside the validator's clock-skew allowance, but no time left: get a new token.
            socket.close(TokenExpiry.TOKEN_EXPIRED);
            return;
        }
        SocketWriter writer = SocketWriter.of(socket, settings.outboundBufferBytes(), settings.outboundSendTimeLimit());
        ChatSession session = new ChatSession(Long.toString(ids.nextId()), userId, writer, new Lane(workers), codec,
                limits.newSession(), clock.millis(), tokenExpiresAt,
                TokenRevocation.loginOf(socket.getPrincipal()), TokenRevocation.issuedAtMillis(socket.getPrincipal()));
        registry.add(socket.getId(), session);
        session.onLane(() -> welcome(session));
    }

    /**
     * Registers the session in the {@link SessionDirectory} and only then sends {@code welcome}: from the
     * welcome on the client may sync, and the fan-out must already see this session by then, or a
     * message sequenced in between would be neither in the sync answer nor delivered live.
     */
    private void welcome(ChatSession session) {
        try {
            if (!readiness.await(READY_WAIT)) {
                session.close(CloseStatus.SERVICE_OVERLOAD.withReason("node not ready"));
                return;
            }
            if (tooManySessions(session.userId())) {
                session.close(TOO_MANY_SESSIONS);
                return;
            }
            directory.register(session.userId(), session.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close(CloseStatus.SERVICE_OVERLOAD);
            return;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not register session of user {}: {}", session.userId(), e.toString());
            session.close(CloseStatus.SERVICE_OVERLOAD.withReason("try again later"));
            return;
        }
        session.write(new ServerFrame.Welcome(PROTOCOL_VERSION, session.id(), Long.toString(session.userId()),
                settings.nodeId(), settings.maxFrameBytes(), settings.maxTextLength(),
                (int) settings.heartbeatInterval().toSeconds(), receipts.shared(), typing.intervalSeconds()));
        session.markWelcomed();
        presence.opened(session);
    }

    /**
     * This node's sessions of the user (this one included: a session is in the registry from its
     * handshake on, so concurrent opens on one node count each other) plus those the directory
     * knows on other nodes. Across nodes it is as current as the directory: two opens on two
     * nodes in the same instant can each pass.
     */
    private boolean tooManySessions(long userId) {
        int open = registry.sessionsOf(userId).size() + directory.sessionsElsewhere(userId);
        if (open > settings.maxSessionsPerUser()) {
            log.info("refusing a session of user {}: {} open, at most {}", userId, open - 1,
                    settings.maxSessionsPerUser());
            return true;
        }
        return false;
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        ChatSession session = registry.get(socket.getId());
        if (session == null) {
            return;
        }
        session.heard(clock.millis());
        if (message.getPayloadLength() > settings.maxFrameBytes()) {
            answer(session, new ServerFrame.Error(SessionErrors.FRAME_TOO_LARGE,
                    "frames may be at most " + settings.maxFrameBytes() + " bytes", null, null));
            return;
        }
        ClientFrame frame;
        try {
            frame = codec.read(message.getPayload());
        } catch (FrameCodec.BadFrame bad) {
            answer(session, bad.toError());
            return;
        }
        if (frame instanceof ClientFrame.Ping) {
            // Answered at once, ahead of queued work: a heartbeat must not wait behind slow sends.
            session.write(new ServerFrame.Pong());
            return;
        }
        Optional<Refusal> refused = rateLimited(session, frame);
        if (refused.isPresent()) {
            // Before any Cassandra or Kafka work: the frame changes nothing. Answered in frame order.
            answer(session, tooManyRequests(refused.get(), refOf(frame)));
            return;
        }
        if (frame instanceof ClientFrame.Send send) {
            submitAsync(session, () -> accepts.accept(session.userId(), session.id(), session.sendOrder(), send), send.id());
        } else if (frame instanceof ClientFrame.Sync sync) {
            submit(session, () -> syncs.answer(session.userId(), sync), null);
        } else if (frame instanceof ClientFrame.Receipt receipt) {
            submit(session, () -> receipts.record(session.userId(), receipt), receipt.id());
        } else if (frame instanceof ClientFrame.Typing typed) {
            submit(session, () -> typing.handle(session.id(), session.userId(), typed), null);
        } else {
            submit(session, () -> presence.answer(session, frame), null);
        }
    }

    /** The rate limits of the frames that cost the most: send, and the presence frames that read Cassandra. */
    private Optional<Refusal> rateLimited(ChatSession session, ClientFrame frame) {
        if (frame instanceof ClientFrame.Send) {
            return limits.checkSend(session.budget(), session.userId());
        }
        if (frame instanceof ClientFrame.PresenceQuery || frame instanceof ClientFrame.PresenceSubscribe
                || frame instanceof ClientFrame.PresenceSettings) {
            return limits.checkPresence(session.budget(), session.userId());
        }
        return Optional.empty();
    }

    private static ServerFrame.Error tooManyRequests(Refusal refusal, String ref) {
        long retryAfterMs = refusal.retryAfterMillis();
        String what = refusal.limit().startsWith("send") ? "sends" : "presence requests";
        String whose = refusal.limit().endsWith("per-user") ? "of this user on this node" : "of this session";
        return new ServerFrame.Error(SessionErrors.TOO_MANY_REQUESTS, "too many " + what + " " + whose
                + "; resend the same frame after " + retryAfterMs + " ms", ref, null, retryAfterMs);
    }

    /** The client's id of a frame, echoed as {@code ref} (null when it has none). */
    private static String refOf(ClientFrame frame) {
        if (frame instanceof ClientFrame.Send send) {
            // Echoed only when usable (as SendValidation does): a refused string is never echoed.
            String id = send.id();
            return id != null && !id.isEmpty() && id.codePointCount(0, id.length()) <= MAX_CLIENT_ID_LENGTH ? id : null;
        } else if (frame instanceof ClientFrame.PresenceQuery query) {
            return query.id();
        } else if (frame instanceof ClientFrame.PresenceSubscribe subscribe) {
            return subscribe.id();
        } else if (frame instanceof ClientFrame.PresenceSettings settings) {
            return settings.id();
        }
        return null;
    }

    /** Queues an answer behind the session's pending work, so answers keep the order of frames. */
    private void answer(ChatSession session, ServerFrame frame) {
        submit(session, () -> frame, null);
    }

    /** Runs the handling on the session's lane and writes its answer, if it has one (null: none). */
    private void submit(ChatSession session, Supplier<ServerFrame> handling, String ref) {
        submitAsync(session, () -> CompletableFuture.completedFuture(handling.get()), ref);
    }

    /**
     * Runs the handling on the session's lane; its answer may come later (a send's broker ack) and
     * is written in frame order all the same.
     */
    private void submitAsync(ChatSession session, Supplier<? extends CompletionStage<ServerFrame>> handling,
                             String ref) {
        boolean queued = session.submitFrame(handling, settings.maxPendingFrames());
        if (!queued) {
            session.write(new ServerFrame.Error(SessionErrors.TOO_MANY_REQUESTS,
                    "too many frames in processing; wait for answers, then retry", ref, null));
        }
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) {
        log.debug("transport error on {}: {}", socket.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        ChatSession session = registry.remove(socket.getId());
        if (session != null) {
            // On the lane: after the registration, never before it (else a stale entry would stay).
            session.onLane(() -> {
                directory.unregister(session.id());
                // Only a welcomed session counted as present; this runs after the welcome if any.
                if (session.welcomed()) {
                    presence.closed(session);
                } else {
                    presence.forget(session);
                }
            });
        }
    }

    private static Long userIdOf(WebSocketSession socket) {
        if (socket.getPrincipal() == null) {
            return null;
        }
        try {
            return Long.parseLong(socket.getPrincipal().getName());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
