package io.parley.chat.receipt;

import com.datastax.oss.driver.api.core.DriverException;
import io.parley.chat.conversation.Conversations;
import io.parley.chat.signal.SignalRouter;
import io.parley.common.events.ConversationSignal;
import io.parley.common.protocol.ClientFrame;
import io.parley.common.protocol.ServerFrame;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The {@code receipt} frame (docs/protocol.md, "Receipts"): a member says they have received or
 * read a conversation up to a seq. The mark is stored, then announced as a {@code receipt} frame
 * to the member's own sessions (their other devices clear the unread count) and, when receipts are
 * shared and the conversation is within the fan-out limit, to the other members' sessions.
 *
 * <p>Cost per accepted receipt: three single-row reads, one write, and a look into the session
 * directory per recipient. A receipt that does not move a mark (a repeat, or older than the mark)
 * stops after the reads: clients may send receipts freely without causing traffic.
 */
@Component
@EnableConfigurationProperties(ReceiptSettings.class)
public class Receipts {

    static final String MISSING_FIELD = "missing_field";
    static final String INVALID_FIELD = "invalid_field";
    /** Same code and wording as the send path: a non-member cannot tell a group exists. */
    static final String UNKNOWN_CONVERSATION = "unknown_conversation";
    /** The seq is beyond the newest message of the conversation. */
    static final String UNKNOWN_MESSAGE = "unknown_message";
    static final String UNAVAILABLE = "unavailable";

    private static final Logger log = LoggerFactory.getLogger(Receipts.class);

    private final Conversations conversations;
    private final ReceiptStore store;
    private final SignalRouter router;
    private final ReceiptSettings settings;

    Receipts(Conversations conversations, ReceiptStore store, SignalRouter router, ReceiptSettings settings) {
        this.conversations = conversations;
        this.store = store;
        this.router = router;
        this.settings = settings;
    }

    /** Whether other members see a user's receipts on this deployment (told to clients in {@code welcome}). */
    public boolean shared() {
        return settings.enabled();
    }

    /**
     * Records the receipt. Returns an error frame when it is refused (and then nothing changed),
     * null when it was recorded or changed nothing: the confirmation is the {@code receipt} frame
     * every session of the user gets when a mark moves.
     */
    public ServerFrame record(long userId, ClientFrame.Receipt receipt) {
        String ref = receipt.id();
        if (receipt.conversationId() == null) {
            return error(MISSING_FIELD, "conversationId is required", ref, "conversationId");
        }
        Long conversationId = parseId(receipt.conversationId());
        if (conversationId == null) {
            return error(INVALID_FIELD, "conversationId must be a positive decimal id", ref, "conversationId");
        }
        if (receipt.status() == null) {
            return error(MISSING_FIELD, "status is required", ref, "status");
        }
        ReceiptStatus status = ReceiptStatus.fromWire(receipt.status());
        if (status == null) {
            return error(INVALID_FIELD, "status must be delivered or read", ref, "status");
        }
        if (receipt.seq() == null) {
            return error(MISSING_FIELD, "seq is required", ref, "seq");
        }
        long seq = receipt.seq();
        if (seq < 1) {
            return error(INVALID_FIELD, "seq must be at least 1", ref, "seq");
        }
        try {
            if (!conversations.isMemberNow(conversationId, userId)) {
                return error(UNKNOWN_CONVERSATION, "no such conversation", ref, "conversationId");
            }
            if (seq > store.lastSeq(conversationId)) {
                return error(UNKNOWN_MESSAGE, "conversation has no message with seq " + seq, ref, "seq");
            }
            if (seq <= store.marks(conversationId, userId).of(status)) {
                return null; // the mark is already there or beyond: nothing moves, nothing to announce
            }
            store.raise(conversationId, userId, status, seq);
            router.route(new ConversationSignal(conversationId, userId, ConversationSignal.RECEIPT, status.wire(), seq, 0,
                    List.of()), recipients(conversationId, userId));
            return null;
        } catch (DriverException e) {
            log.warn("receipt of user {} for conversation {} not recorded: {}", userId, conversationId, e.toString());
            return error(UNAVAILABLE, "temporarily unavailable; send the receipt again", ref, null);
        }
    }

    /** The user's own sessions always; the other members' only when receipts are shared and the group is small enough. */
    private Set<Long> recipients(long conversationId, long userId) {
        Set<Long> recipients = new HashSet<>();
        recipients.add(userId);
        if (settings.enabled()) {
            Set<Long> members = conversations.members(conversationId);
            if (members.size() <= settings.fanOutLimit()) {
                recipients.addAll(members);
            }
        }
        return recipients;
    }

    private static ServerFrame.Error error(String code, String message, String ref, String field) {
        return new ServerFrame.Error(code, message, ref, field);
    }

    /** A conversation id as the wire carries it; null when it is not a positive decimal long. */
    static Long parseId(String value) {
        try {
            long id = Long.parseLong(value);
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
