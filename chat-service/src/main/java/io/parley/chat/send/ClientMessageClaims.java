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
 * (sender, client message id) records a message id and time; a resend of the same pair reads that
 * record back, so it is acked with the same message id and time.
 *
 * <p>Only a frame the client marks as a resend ({@code "resend": true}, docs/protocol.md) is looked
 * up. A first attempt, which is nearly every send, takes a new message id and writes its record:
 * one write, no read. The write comes before the publish, never beside it: a node that died after
 * publishing but before its claim was written would leave a message whose resend finds no claim
 * and is acked under another message id (ChatNodeCrashIT caught exactly that). The sequencer keeps
 * one message per (sender, client message id) whatever the accept decided (docs/design.md step 4),
 * so a resend the client failed to mark is still stored once; only its ack can name another id.
 *
 * <p>No Paxos round: attempts of one pair on this node that overlap share the first one's claim;
 * attempts on two nodes are settled by the write timestamp below, which makes the earliest-issued
 * claim win however the writes arrive.
 */
@Component
class ClientMessageClaims {

    /**
     * Claims are written with timestamp {@code ORIGIN - sentAt in µs}: Cassandra keeps the cell with
     * the highest timestamp, so of two claims of one id the one issued first stays, as it would under
     * {@code IF NOT EXISTS} for attempts that do not overlap. Only this class writes the table.
     */
    private static final long TIMESTAMP_ORIGIN_MICROS = Long.MAX_VALUE / 2;

    /** What a client message id stands for; the same for the first accept and every resend. */
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
                + " (sender_id, client_message_id, message_id, conversation_id, sent_at) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
    }

    /**
     * Claims (sender, client message id) asynchronously: a first attempt ({@code resend} false)
     * writes {@code newMessageId} and {@code now}; a resend reads the record first and writes only
     * when there is none. Completes once the claim is in Cassandra, exceptionally when Cassandra
     * fails (nothing was published).
     */
    CompletableFuture<Claim> claim(long senderId, String clientMessageId, long newMessageId, long conversationId,
                                   long now, boolean resend) {
        Key key = new Key(senderId, clientMessageId);
        CompletableFuture<Claim> mine = new CompletableFuture<>();
        CompletableFuture<Claim> earlier = inFlight.putIfAbsent(key, mine);
        if (earlier != null) {
            // The earlier attempt's claim is this one's; if its read failed, this attempt claims anew.
            return earlier.thenApply(first -> new Claim(first.messageId(), first.conversationId(), first.sentAt(), true))
                    .exceptionallyCompose(failed -> claim(senderId, clientMessageId, newMessageId, conversationId,
                            now, resend));
        }
        CompletableFuture<Claim> claimed = resend
                ? readOrWrite(senderId, clientMessageId, newMessageId, conversationId, now)
                : write(senderId, clientMessageId, newMessageId, conversationId, now);
        claimed.whenComplete((claim, failure) -> {
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
                    return write(senderId, clientMessageId, newMessageId, conversationId, now);
                });
    }

    private CompletableFuture<Claim> write(long senderId, String clientMessageId, long messageId, long conversationId,
                                           long now) {
        return session.executeAsync(insert.bind(senderId, clientMessageId, messageId, conversationId,
                        Instant.ofEpochMilli(now), TIMESTAMP_ORIGIN_MICROS - now * 1000))
                .toCompletableFuture()
                .thenApply(written -> new Claim(messageId, conversationId, now, false));
    }
}
