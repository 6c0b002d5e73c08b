package io.parley.chat.session;

import io.parley.common.events.TokensRevoked;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.stereotype.Component;

/**
 * Closes this node's sessions that a revocation on {@code parley.auth.revocations} ends
 * ({@link TokenRevocation}). Every node reads every record ({@link TokenRevocationConfig}); a
 * node holding no session of the user does nothing.
 */
@Component
class TokenRevocations implements MessageListener<String, TokensRevoked> {

    private static final Logger log = LoggerFactory.getLogger(TokenRevocations.class);

    private final SessionRegistry registry;

    TokenRevocations(SessionRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onMessage(ConsumerRecord<String, TokensRevoked> record) {
        TokensRevoked revoked = record.value();
        if (revoked == null) {
            return;
        }
        int closed = 0;
        for (ChatSession session : registry.sessionsOf(revoked.userId())) {
            if (TokenRevocation.revokes(revoked, session.login(), session.tokenIssuedAtMillis())) {
                session.close(TokenRevocation.TOKEN_REVOKED);
                closed++;
            }
        }
        if (closed > 0) {
            log.info("closed {} session(s) of user {}: {} revoked", closed, revoked.userId(),
                    revoked.everyLogin() ? "every login" : "a login");
        }
    }
}
