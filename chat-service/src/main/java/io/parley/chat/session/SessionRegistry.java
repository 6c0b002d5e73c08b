package io.parley.chat.session;

import io.parley.common.events.StoredMessage;
import io.parley.common.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/** The sessions this node holds, by WebSocket and by user, and whether the node is draining. */
@Component
public class SessionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, ChatSession> bySocket = new ConcurrentHashMap<>();
    private final Map<Long, Set<ChatSession>> byUser = new ConcurrentHashMap<>();
    private final SessionDirectory directory;
    private volatile boolean draining;

    SessionRegistry(SessionDirectory directory) {
        this.directory = directory;
    }

    /** This node's open sessions of a user (empty if none). */
    public Collection<ChatSession> sessionsOf(long userId) {
        Set<ChatSession> sessions = byUser.get(userId);
        return sessions == null ? List.of() : List.copyOf(sessions);
    }

    /**
     * A stored message to every session this node holds of these users, as one {@code message}
     * frame encoded once however many sessions get it. Queued on each session's lane, so a slow
     * client never holds up the caller; sessions that went away are skipped (live delivery is best
     * effort, sync is the durable path).
     */
    public void deliverMessage(Collection<Long> recipients, StoredMessage message) {
        ServerFrame frame = null;
        for (long recipient : recipients) {
            for (ChatSession session : sessionsOf(recipient)) {
                if (frame == null) {
                    frame = new ServerFrame.Message(WireMessages.of(message));
                }
                session.deliver(frame);
            }
        }
    }

    public int connections() {
        return bySocket.size();
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Takes this node out of service for its clients: refuses new sessions, tells every session
     * to reconnect elsewhere, closes it with 1012 (service restart) and removes it from the
     * {@link SessionDirectory} so the fan-out stops routing to this node at once.
     */
    public void drain(Duration timeout) {
        draining = true;
        List<ChatSession> sessions = new ArrayList<>(bySocket.values());
        log.info("draining {} sessions", sessions.size());
        List<CompletableFuture<?>> removals = new ArrayList<>();
        for (ChatSession session : sessions) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            removals.add(done);
            // On the lane, so the reconnect frame comes after any ack already being written.
            session.onLane(() -> {
                session.write(new ServerFrame.Reconnect("draining"));
                session.close(CloseStatus.SERVICE_RESTARTED);
                directory.unregister(session.id())
                        .whenComplete((ok, error) -> done.complete(null));
            });
        }
        try {
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Entries not removed now go with this instance's TTL; nothing is lost, routing is just stale longer.
            log.warn("drain did not finish in {}: {}", timeout, e.toString());
        }
    }

    void add(String socketId, ChatSession session) {
        bySocket.put(socketId, session);
        byUser.computeIfAbsent(session.userId(), id -> ConcurrentHashMap.newKeySet()).add(session);
    }

    ChatSession get(String socketId) {
        return bySocket.get(socketId);
    }

    ChatSession remove(String socketId) {
        ChatSession session = bySocket.remove(socketId);
        if (session != null) {
            byUser.computeIfPresent(session.userId(), (id, set) -> {
                set.remove(session);
                return set.isEmpty() ? null : set;
            });
        }
        return session;
    }

    Collection<ChatSession> all() {
        return List.copyOf(bySocket.values());
    }
}
