package io.parley.chat.send;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Sender-side de-duplication in {@code client_messages}: the first accept of
 * (sender, client message id) claims a message id and time with IF NOT EXISTS; every later accept
 * of the same pair gets that claim back, so a retry is acked with the same message id.
 */
@Component
class ClientMessageClaims {

    /** What a client message id stands for; the same for the first accept and every retry. */
    record Claim(long messageId, long conversationId, long sentAt, boolean retry) {
    }

    private final CqlSession session;
    private final PreparedStatement claim;

    ClientMessageClaims(CqlSession session) {
        this.session = session;
        this.claim = session.prepare("INSERT INTO client_messages"
                + " (sender_id, client_message_id, message_id, conversation_id, sent_at)"
                + " VALUES (?, ?, ?, ?, ?) IF NOT EXISTS");
    }

    /** Claims asynchronously; completes exceptionally when Cassandra fails (nothing was published). */
    CompletableFuture<Claim> claim(long senderId, String clientMessageId, long newMessageId, long conversationId,
                                   long now) {
        return session.executeAsync(claim.bind(senderId, clientMessageId, newMessageId, conversationId,
                        Instant.ofEpochMilli(now)))
                .thenApply(result -> {
                    Row row = result.one();
                    if (row.getBoolean("[applied]")) {
                        return new Claim(newMessageId, conversationId, now, false);
                    }
                    // Not applied: the LWT answers with the existing row, i.e. the first accept's claim.
                    return new Claim(row.getLong("message_id"), row.getLong("conversation_id"),
                            row.getInstant("sent_at").toEpochMilli(), true);
                })
                .toCompletableFuture();
    }
}
