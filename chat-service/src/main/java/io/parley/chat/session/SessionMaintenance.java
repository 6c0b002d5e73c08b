package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/** Keeps live sessions' {@code user_sessions} rows from expiring, and closes silent sessions. */
@Component
class SessionMaintenance {

    private static final Logger log = LoggerFactory.getLogger(SessionMaintenance.class);

    private final SessionRegistry registry;
    private final SessionStore store;
    private final Clock clock;
    private final long idleTimeoutMillis;

    SessionMaintenance(SessionRegistry registry, SessionStore store, Clock clock, ChatSettings settings) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.idleTimeoutMillis = settings.idleTimeout().toMillis();
    }

    /** Re-writes every live session's row with a fresh TTL (asynchronously, all at once). */
    @Scheduled(fixedDelayString = "${parley.chat.session-refresh-interval:20s}",
            initialDelayString = "${parley.chat.session-refresh-interval:20s}")
    void refreshRows() {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (ChatSession session : registry.all()) {
            if (session.isOpen()) {
                writes.add(store.refreshAsync(session.userId(), session.id()).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).exceptionally(error -> {
            log.warn("refreshing session rows failed (they expire unless the next refresh works): {}", error.toString());
            return null;
        }).join();
    }

    /** A client that sent nothing (not even ping) for the idle timeout is gone or broken. */
    @Scheduled(fixedDelay = 1000)
    void closeIdle() {
        long now = clock.millis();
        for (ChatSession session : registry.all()) {
            if (now - session.lastHeardMillis() > idleTimeoutMillis) {
                log.debug("closing idle session {} of user {}", session.id(), session.userId());
                session.close(CloseStatus.GOING_AWAY.withReason("idle timeout"));
            }
        }
    }
}
