package io.parley.chat.send;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

/**
 * Sender-side de-duplication in {@code client_messages}: the first accept of
 * (sender, client message id) records a message id and time; every later accept of the same pair
 * reads that record back, so a retry is acked with the same message id and time.
 *
 * <p>A plain read, then a plain write: no Paxos round per send. Two first attempts of one pair that
 * overlap (the read of each before the write of the other: a client resending on a second
 * connection while a stalled node still works on the first) both write, and each answers its own
 * message id; the sequencer keeps one message per (sender, client message id) all the same, so
 * only the acks can differ, and the first connection's ack goes to a client that has left it.
 * docs/protocol.md states this.
 */
@Component
class ClientMessageClaims {

    /** What a client message id stands for; the same for the first accept and every retry. */
    record Claim(long messageId, long conversationId, long sentAt, boolean retry) {
    }

    private final CqlSession session;
    private final PreparedStatement select;
    private final PreparedStatement insert;

    ClientMessageClaims(CqlSession session) {
        this.session = session;
        this.select = session.prepare("SELECT message_id, conversation_id, sent_at FROM client_messages"
                + " WHERE sender_id = ? AND client_message_id = ?");
        this.insert = session.prepare("INSERT INTO client_messages"
                + " (sender_id, client_message_id, message_id, conversation_id, sent_at) VALUES (?, ?, ?, ?, ?)");
    }

    /** Claims asynchronously; completes exceptionally when Cassandra fails (nothing was published). */
    CompletableFuture<Claim> claim(long senderId, String clientMessageId, long newMessageId, long conversationId,
                                   long now) {
        return session.executeAsync(select.bind(senderId, clientMessageId)).toCompletableFuture()
                .thenCompose(found -> {
                    Row row = found.one();
                    if (row != null) {
                        return CompletableFuture.completedFuture(new Claim(row.getLong("message_id"),
                                row.getLong("conversation_id"), row.getInstant("sent_at").toEpochMilli(), true));
                    }
                    return session.executeAsync(insert.bind(senderId, clientMessageId, newMessageId, conversationId,
                                    Instant.ofEpochMilli(now))).toCompletableFuture()
                            .thenApply(written -> new Claim(newMessageId, conversationId, now, false));
                });
    }
}
