package io.parley.chat.send;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.config.ChatSettings;
import io.parley.chat.conversation.Conversations;
import io.parley.chat.presence.PresenceContacts;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.Topics;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Service;

/**
 * The accept path of one {@code send} frame (docs/design.md steps 1-3): validate, resolve the
 * conversation, check membership, claim the client message id, publish {@link MessageSubmitted}
 * and wait for the broker's ack, then answer {@code ack}. Any answer other than {@code ack} means
 * nothing was published for this attempt (or, for {@code unavailable}, maybe it was: the client
 * resends with the same id and the resend is de-duplicated).
 *
 * <p>Some checks block (a 1:1 conversation's first send on this node reads it): this runs on a
 * session's worker lane, never on the WebSocket container thread. A group's membership read, the
 * claim and the broker's ack are not waited for on the lane (see {@link #accept}).
 */
@Service
public class MessageAccepts {

    private static final Logger log = LoggerFactory.getLogger(MessageAccepts.class);

    private final Conversations conversations;
    private final ClientMessageClaims claims;
    private final KafkaTemplate<String, Object> kafka;
    private final IdGenerator ids;
    private final Clock clock;
    private final ChatSettings settings;
    private final PresenceContacts presenceContacts;

    MessageAccepts(Conversations conversations, ClientMessageClaims claims, KafkaTemplate<String, Object> kafka,
                   IdGenerator ids, Clock clock, ChatSettings settings, PresenceContacts presenceContacts) {
        this.conversations = conversations;
        this.claims = claims;
        this.kafka = kafka;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
        this.presenceContacts = presenceContacts;
    }

    /**
     * Answers one send frame with an {@code ack} or an {@code error} frame. The checks run now, on
     * the caller's thread (the session's lane); a group's membership read, the claim and the
     * broker's ack are waited for in the returned stage. So a session can have several sends in
     * flight, and because {@code order} hands each record to the producer only after the records
     * of the session's earlier sends, records of one session reach a conversation's partition (and
     * so its order) in frame order: the idempotent producer keeps that order across its own retries.
     */
    public CompletableFuture<ServerFrame> accept(long senderId, String sessionId, SendOrder order,
                                                 ClientFrame.Send frame) {
        SendValidation.Result result = SendValidation.validate(frame, settings.maxTextLength());
        if (result instanceof SendValidation.Invalid invalid) {
            return CompletableFuture.completedFuture(invalid.error());
        }
        SendValidation.Valid send = (SendValidation.Valid) result;
        try {
            return acceptValid(senderId, sessionId, order, send);
        } catch (DriverException | IllegalStateException e) {
            // Cassandra unreachable or the id generator lost its lease: nothing was published.
            log.warn("send {} of user {} not accepted: {}", send.clientId(), senderId, e.toString());
            return CompletableFuture.completedFuture(unavailable(send.clientId()));
        }
    }

    private CompletableFuture<ServerFrame> acceptValid(long senderId, String sessionId, SendOrder order,
                                                       SendValidation.Valid send) {
        long conversationId;
        CompletableFuture<Boolean> member;
        OptionalLong directPeer;
        if (send.to() != null) {
            if (send.to() == senderId) {
                return CompletableFuture.completedFuture(unknownRecipient(send));
            }
            OptionalLong known = conversations.knownDirectConversation(senderId, send.to());
            if (known.isPresent()) {
                conversationId = known.getAsLong();
            } else if (!conversations.userExists(send.to())) {
                return CompletableFuture.completedFuture(unknownRecipient(send));
            } else {
                conversationId = conversations.directConversation(senderId, send.to());
            }
            member = CompletableFuture.completedFuture(true);
            directPeer = OptionalLong.of(send.to());
        } else {
            conversationId = send.conversationId();
            // Uncached: a member removed from a group must not send once the removal is applied.
            member = conversations.isMemberNowAsync(conversationId, senderId);
            directPeer = conversations.knownDirectPeer(conversationId, senderId); // memory only
        }

        // The membership read and the claim (a write; for a marked resend a read first) overlap
        // with the next frames' checks and claims; the record is handed to the producer in frame
        // order all the same (SendOrder), and an answer of any kind reaches the session in frame order.
        long messageId = ids.nextId();
        long now = clock.millis();
        long conversation = conversationId;
        CompletableFuture<Optional<ClientMessageClaims.Claim>> claim = member.thenCompose(isMember -> isMember
                ? claims.claim(senderId, send.clientId(), messageId, conversation, now, send.resend())
                        .thenApply(Optional::of)
                : CompletableFuture.completedFuture(Optional.empty()));
        return order.publishInOrder(claim, maybeClaimed -> {
            if (maybeClaimed.isEmpty()) {
                return CompletableFuture.completedFuture(new ServerFrame.Error(SendErrors.UNKNOWN_CONVERSATION,
                        "no such conversation", send.clientId(), "conversationId"));
            }
            ClientMessageClaims.Claim claimed = maybeClaimed.get();
            // A retry publishes again with the stored id and time: the first attempt may have died
            // between its claim and its publish. The sequencer keeps one message per client id.
            MessageSubmitted submitted = new MessageSubmitted(claimed.messageId(), claimed.conversationId(), senderId,
                    sessionId, send.clientId(), send.text(), claimed.sentAt());
            ServerFrame ack = new ServerFrame.Ack(send.clientId(), Long.toString(claimed.messageId()),
                    Long.toString(claimed.conversationId()), claimed.sentAt());
            return publish(submitted).thenApply(published -> {
                if (!published) {
                    return unavailable(send.clientId());
                }
                // Admits the recipient to the sender's presence (default visibility "contacts"):
                // a map lookup here; a pair new to this node is written later, off this path.
                directPeer.ifPresent(peer -> presenceContacts.messaged(senderId, peer));
                return ack;
            });
        }).exceptionally(failure -> {
            // The membership read or the claim failed (Cassandra unreachable): nothing was published.
            log.warn("send {} of user {} not accepted: {}", send.clientId(), senderId, failure.toString());
            return unavailable(send.clientId());
        });
    }

    private static ServerFrame.Error unknownRecipient(SendValidation.Valid send) {
        return new ServerFrame.Error(SendErrors.UNKNOWN_RECIPIENT, "no such recipient", send.clientId(), "to");
    }

    /** Completes with true once the broker acknowledged the record (acks=all); false if it did not in time. */
    private CompletableFuture<Boolean> publish(MessageSubmitted submitted) {
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(submitted.conversationId()), submitted);
        } catch (KafkaException e) {
            log.warn("publishing message {} failed: {}", submitted.messageId(), e.toString());
            return CompletableFuture.completedFuture(false);
        }
        return sent.orTimeout(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> {
                    if (failure != null) {
                        log.warn("publishing message {} failed: {}", submitted.messageId(), failure.toString());
                        return false;
                    }
                    return true;
                });
    }

    private static ServerFrame.Error unavailable(String clientId) {
        return new ServerFrame.Error(SendErrors.UNAVAILABLE, "temporarily unavailable; retry with the same id",
                clientId, null);
    }
}
