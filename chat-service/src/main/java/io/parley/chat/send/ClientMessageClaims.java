package io.parley.chat.send;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Sender-side de-duplication in {@code client_messages}: the first accept of
 * (sender, client message id) records a message id and time; every later accept of the same pair
 * reads that record back, so a retry is acked with the same message id and time.
 *
 * <p>A plain read, then a plain write: no Paxos round per send. Attempts of one pair on this node
 * that overlap (a resend before the first attempt's ack, on the same or another connection) wait
 * for the first one's claim and share it. Two first attempts on two nodes that overlap (the read
 * of each before the write of the other: a client resending through a second node while a stalled
 * one still works on the first) both write, and each answers its own message id; the sequencer
 * keeps one message per (sender, client message id) all the same, so only the acks can differ.
 * docs/protocol.md states this.
 */
@Component
class ClientMessageClaims {

    /** What a client message id stands for; the same for the first accept and every retry. */
    record Claim(long messageId, long conversationId, long sentAt, boolean retry) {
    }

    private record Key(long senderId, String clientMessageId) {
    }

    private final CqlSession session;
    private final Map<Key, CompletableFuture<Claim>> inFlight = new ConcurrentHashMap<>();
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
        Key key = new Key(senderId, clientMessageId);
        CompletableFuture<Claim> mine = new CompletableFuture<>();
        CompletableFuture<Claim> earlier = inFlight.putIfAbsent(key, mine);
        if (earlier != null) {
            // The earlier attempt's claim is this one's; if it failed, this attempt claims anew.
            return earlier.thenApply(first -> new Claim(first.messageId(), first.conversationId(), first.sentAt(), true))
                    .exceptionallyCompose(failed -> claim(senderId, clientMessageId, newMessageId, conversationId, now));
        }
        readOrWrite(senderId, clientMessageId, newMessageId, conversationId, now).whenComplete((claim, failure) -> {
            inFlight.remove(key, mine);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(claim);
            }
        });
        return mine;
    }

    private CompletableFuture<Claim> readOrWrite(long senderId, String clientMessageId, long newMessageId,
                                                 long conversationId, long now) {
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
