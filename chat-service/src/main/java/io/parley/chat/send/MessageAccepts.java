package io.parley.chat.send;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.config.ChatSettings;
import io.parley.chat.conversation.Conversations;
import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.Topics;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * retries with the same id and the retry is de-duplicated).
 *
 * <p>Blocking: this runs on a session's worker lane, never on the WebSocket container thread.
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

    MessageAccepts(Conversations conversations, ClientMessageClaims claims, KafkaTemplate<String, Object> kafka,
                   IdGenerator ids, Clock clock, ChatSettings settings) {
        this.conversations = conversations;
        this.claims = claims;
        this.kafka = kafka;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /** Answers one send frame with an {@code ack} or an {@code error} frame. */
    public ServerFrame accept(long senderId, String sessionId, ClientFrame.Send frame) {
        SendValidation.Result result = SendValidation.validate(frame, settings.maxTextLength());
        if (result instanceof SendValidation.Invalid invalid) {
            return invalid.error();
        }
        SendValidation.Valid send = (SendValidation.Valid) result;
        try {
            return acceptValid(senderId, sessionId, send);
        } catch (DriverException | IllegalStateException e) {
            // Cassandra unreachable or the id generator lost its lease: nothing was published.
            log.warn("send {} of user {} not accepted: {}", send.clientId(), senderId, e.toString());
            return unavailable(send.clientId());
        }
    }

    private ServerFrame acceptValid(long senderId, String sessionId, SendValidation.Valid send) {
        long conversationId;
        if (send.to() != null) {
            if (send.to() == senderId || !conversations.userExists(send.to())) {
                return new ServerFrame.Error(SendErrors.UNKNOWN_RECIPIENT, "no such recipient", send.clientId(), "to");
            }
            conversationId = conversations.directConversation(senderId, send.to());
        } else {
            conversationId = send.conversationId();
            // Uncached: a member removed from a group must not send once the removal is applied.
            if (!conversations.isMemberNow(conversationId, senderId)) {
                return new ServerFrame.Error(SendErrors.UNKNOWN_CONVERSATION, "no such conversation",
                        send.clientId(), "conversationId");
            }
        }

        ClientMessageClaims.Claim claim = claims.claim(senderId, send.clientId(), ids.nextId(), conversationId,
                clock.millis());
        // A retry publishes again with the stored id and time: the first attempt may have died
        // between its claim and its publish. The sequencer is idempotent by message id.
        MessageSubmitted submitted = new MessageSubmitted(claim.messageId(), claim.conversationId(), senderId,
                sessionId, send.clientId(), send.text(), claim.sentAt());
        if (!publish(submitted)) {
            return unavailable(send.clientId());
        }
        return new ServerFrame.Ack(send.clientId(), Long.toString(claim.messageId()),
                Long.toString(claim.conversationId()), claim.sentAt());
    }

    /** True once the broker acknowledged the record (acks=all); false if it did not in time. */
    private boolean publish(MessageSubmitted submitted) {
        try {
            kafka.send(Topics.MESSAGES_SUBMITTED, Long.toString(submitted.conversationId()), submitted)
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("publishing message {} failed: {}", submitted.messageId(), e.toString());
            return false;
        }
    }

    private static ServerFrame.Error unavailable(String clientId) {
        return new ServerFrame.Error(SendErrors.UNAVAILABLE, "temporarily unavailable; retry with the same id",
                clientId, null);
    }
}
