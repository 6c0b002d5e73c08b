package io.parley.chat.send;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sender-side de-duplication in {@code client_messages}: the first accept of
 * (sender, client message id) records a message id and time; a resend of the same pair reads that
 * record back, so it is acked with the same message id and time.
 *
 * <p>Only a frame the client marks as a resend ({@code "resend": true}, docs/protocol.md) is looked
 * up. A first attempt, which is nearly every send, takes a new message id at once and writes its
 * record while the message goes to Kafka; its ack waits for both. So a first attempt costs one
 * write and no read, and no Cassandra round trip comes before its publish. The sequencer keeps one
 * message per (sender, client message id) whatever the accept decided (docs/design.md step 4), so a
 * resend the client failed to mark is still stored once; only its ack can name another message id.
 *
 * <p>No Paxos round: attempts of one pair on this node that overlap share the first one's claim;
 * attempts on two nodes are settled by the write timestamp below, which makes the earliest-issued
 * claim win however the writes arrive.
 */
@Component
class ClientMessageClaims {

    private static final Logger log = LoggerFactory.getLogger(ClientMessageClaims.class);

    /**
     * Claims are written with timestamp {@code ORIGIN - sentAt in µs}: Cassandra keeps the cell with
     * the highest timestamp, so of two claims of one id the one issued first stays, as it would under
     * {@code IF NOT EXISTS} for attempts that do not overlap. Only this class writes the table.
     */
    private static final long TIMESTAMP_ORIGIN_MICROS = Long.MAX_VALUE / 2;

    /**
     * What a client message id stands for; the same for the first accept and every resend.
     * {@code recorded} completes once the claim is in Cassandra (at once for a claim that was read);
     * an ack waits for it, so a resend after the ack always finds the claim.
     */
    record Claim(long messageId, long conversationId, long sentAt, boolean retry, CompletableFuture<Void> recorded) {

        Claim asRetry() {
            return new Claim(messageId, conversationId, sentAt, true, recorded);
        }
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
     * Claims (sender, client message id). A first attempt ({@code resend} false) completes at once
     * with {@code newMessageId} and {@code now}, its write in {@link Claim#recorded()}; a resend reads
     * the record first and completes exceptionally when Cassandra fails (nothing was published).
     */
    CompletableFuture<Claim> claim(long senderId, String clientMessageId, long newMessageId, long conversationId,
                                   long now, boolean resend) {
        Key key = new Key(senderId, clientMessageId);
        CompletableFuture<Claim> mine = new CompletableFuture<>();
        CompletableFuture<Claim> earlier = inFlight.putIfAbsent(key, mine);
        if (earlier != null) {
            // The earlier attempt's claim is this one's; if its read failed, this attempt claims anew.
            return earlier.thenApply(Claim::asRetry)
                    .exceptionallyCompose(failed -> claim(senderId, clientMessageId, newMessageId, conversationId,
                            now, resend));
        }
        CompletableFuture<Claim> claimed = resend
                ? readOrWrite(senderId, clientMessageId, newMessageId, conversationId, now)
                : CompletableFuture.completedFuture(new Claim(newMessageId, conversationId, now, false,
                        write(senderId, clientMessageId, newMessageId, conversationId, now)));
        claimed.whenComplete((claim, failure) -> {
            if (failure != null) {
                inFlight.remove(key, mine);
                mine.completeExceptionally(failure);
            } else {
                // Shared until it is in Cassandra: a resend overlapping the write finds it here.
                claim.recorded().whenComplete((written, writeFailure) -> inFlight.remove(key, mine));
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
                                row.getLong("conversation_id"), row.getInstant("sent_at").toEpochMilli(), true,
                                CompletableFuture.completedFuture(null)));
                    }
                    CompletableFuture<Void> written = write(senderId, clientMessageId, newMessageId, conversationId, now);
                    return written.thenApply(done -> new Claim(newMessageId, conversationId, now, false, written));
                });
    }

    private CompletableFuture<Void> write(long senderId, String clientMessageId, long messageId, long conversationId,
                                          long now) {
        CompletableFuture<Void> written = session.executeAsync(insert.bind(senderId, clientMessageId, messageId,
                        conversationId, Instant.ofEpochMilli(now), TIMESTAMP_ORIGIN_MICROS - now * 1000))
                .toCompletableFuture().thenApply(result -> null);
        written.whenComplete((done, failure) -> {
            if (failure != null) {
                // The message itself is in Kafka (or its publish failed and the client resends):
                // only a later resend's ack could name another message id.
                log.warn("client message id {} of user {} not recorded: {}", clientMessageId, senderId,
                        failure.toString());
            }
        });
        return written;
    }
}
