package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/** Closes silent sessions, and sessions whose access token has expired ({@link TokenExpiry}). */
@Component
class SessionMaintenance {

    private static final Logger log = LoggerFactory.getLogger(SessionMaintenance.class);

    private final SessionRegistry registry;
    private final Clock clock;
    private final long idleTimeoutMillis;
    private final long tokenExpiryWarningMillis;

    SessionMaintenance(SessionRegistry registry, Clock clock, ChatSettings settings,
                       @Value("${parley.chat.token-expiry-warning:60s}") Duration tokenExpiryWarning) {
        this.registry = registry;
        this.clock = clock;
        this.idleTimeoutMillis = settings.idleTimeout().toMillis();
        this.tokenExpiryWarningMillis = tokenExpiryWarning.toMillis();
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

    /** Warns sessions whose token expires soon, and closes those whose token has expired. */
    @Scheduled(fixedDelay = 1000)
    void expireTokens() {
        long now = clock.millis();
        for (ChatSession session : registry.all()) {
            TokenExpiry.check(session, now, tokenExpiryWarningMillis);
        }
    }
}
