package io.parley.api.receipt;

import io.parley.api.conversation.Conversations;
import io.parley.api.history.MessageLookup;
import io.parley.api.receipt.ReceiptRepository.Marks;
import io.parley.api.receipt.ReceiptsResponse.MemberMarks;
import io.parley.api.receipt.ReceiptsResponse.MessageReceipts;
import io.parley.common.protocol.ServerFrame.WireMessage;
import io.parley.common.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * Receipts of a conversation for its current members. A member removed from a group gets 404
 * here, although they may still read the history up to their removal: the marks of the members
 * who remain keep moving after it, and a removed member learns nothing sequenced after it.
 */
@Service
class ReceiptService {

    private final Conversations conversations;
    private final ReceiptRepository receipts;
    private final MessageLookup messages;
    private final ReceiptSettings settings;

    ReceiptService(Conversations conversations, ReceiptRepository receipts, MessageLookup messages, ReceiptSettings settings) {
        this.conversations = conversations;
        this.receipts = receipts;
        this.messages = messages;
        this.settings = settings;
    }

    ReceiptsResponse receipts(long callerId, long conversationId, Long seq) {
        // Same answer as history's for a conversation that does not exist: ids are not confirmed.
        Conversations.Readable readable = conversations.readable(conversationId, callerId)
                .filter(r -> r.lastSeq() == Long.MAX_VALUE)
                .orElseThrow(() -> ApiException.notFound("Conversation " + conversationId + " not found."));
        boolean shared = settings.enabled();
        CompletableFuture<Map<Long, Long>> members = shared
                ? receipts.membersJoinedAt(conversationId).toCompletableFuture()
                : CompletableFuture.completedFuture(Map.of(callerId, readable.firstSeq()));
        CompletableFuture<Map<Long, Marks>> marks = shared
                ? receipts.allMarks(conversationId).toCompletableFuture()
                : receipts.marks(conversationId, callerId).thenApply(m -> Map.of(callerId, m)).toCompletableFuture();
        CompletableFuture<Optional<WireMessage>> message = seq == null || seq < readable.firstSeq()
                ? CompletableFuture.completedFuture(Optional.empty())
                : messages.find(conversationId, seq).toCompletableFuture();
        CompletableFuture.allOf(members, marks, message).join();

        if (seq != null && message.join().isEmpty()) {
            // Not stored, or from before the caller joined: the same answer either way.
            throw ApiException.notFound("Message " + seq + " not found in conversation " + conversationId + ".");
        }
        List<MemberMarks> memberMarks = members.join().keySet().stream()
                .sorted()
                .map(userId -> {
                    Marks m = marks.join().getOrDefault(userId, Marks.NONE);
                    return new MemberMarks(Long.toString(userId), delivered(m), m.readSeq());
                })
                .toList();
        MessageReceipts counts = shared && seq != null ? counts(message.join().get(), members.join(), marks.join()) : null;
        return new ReceiptsResponse(Long.toString(conversationId), shared, memberMarks, counts);
    }

    /**
     * Counts over the members who can see the message: current members other than its sender who
     * joined at or before it. Members who joined later cannot have read it, whatever their marks.
     */
    static MessageReceipts counts(WireMessage message, Map<Long, Long> membersJoinedAt, Map<Long, Marks> marks) {
        long seq = message.seq();
        long sender = Long.parseLong(message.senderId());
        List<Marks> recipients = membersJoinedAt.entrySet().stream()
                .filter(member -> member.getKey() != sender && member.getValue() <= seq)
                .map(member -> marks.getOrDefault(member.getKey(), Marks.NONE))
                .toList();
        int delivered = (int) recipients.stream().filter(m -> delivered(m) >= seq).count();
        int read = (int) recipients.stream().filter(m -> m.readSeq() >= seq).count();
        return new MessageReceipts(seq, message.senderId(), recipients.size(), delivered, read);
    }

    /** Reading a message implies having received it, whichever receipt a device sent first. */
    private static long delivered(Marks marks) {
        return Math.max(marks.deliveredSeq(), marks.readSeq());
    }
}
