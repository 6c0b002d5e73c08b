package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/** Closes silent sessions. */
@Component
class SessionMaintenance {

    private static final Logger log = LoggerFactory.getLogger(SessionMaintenance.class);

    private final SessionRegistry registry;
    private final Clock clock;
    private final long idleTimeoutMillis;

    SessionMaintenance(SessionRegistry registry, Clock clock, ChatSettings settings) {
        this.registry = registry;
        this.clock = clock;
        this.idleTimeoutMillis = settings.idleTimeout().toMillis();
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
