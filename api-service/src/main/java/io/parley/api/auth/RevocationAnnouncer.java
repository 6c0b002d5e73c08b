package io.parley.api.auth;

import io.parley.common.events.Topics;
import io.parley.common.events.TokensRevoked;
import io.parley.common.web.ApiException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Tells every chat node that logins were revoked ({@link Topics#TOKEN_REVOCATIONS}, keyed by user
 * id), so that it closes their open WebSocket sessions. Returns only after the broker's ack
 * (acks=all, idempotent producer); otherwise the REST call fails with 503 and the client retries
 * it: logout and password change are both safe to repeat (see {@link RefreshTokens#logout} and
 * {@link LoginService#changePassword}), and repeating one announces the revocation again.
 */
@Component
class RevocationAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(RevocationAnnouncer.class);
    /** As long as a group change waits for its ack: within the producer's own retries (delivery.timeout.ms). */
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaTemplate<String, Object> kafka;

    RevocationAnnouncer(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** @throws ApiException 503 when the broker did not take the record in time */
    void announce(TokensRevoked revoked) {
        try {
            kafka.send(Topics.TOKEN_REVOCATIONS, Long.toString(revoked.userId()), revoked)
                    .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted; retry shortly.");
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("announcing the revocation of {} login(s) of user {} failed: {}", revoked.logins().size(),
                    revoked.userId(), e.toString());
            throw ApiException.unavailable("The logins are revoked, but open connections could not be told; "
                    + "retry the same request shortly.");
        }
    }
}
