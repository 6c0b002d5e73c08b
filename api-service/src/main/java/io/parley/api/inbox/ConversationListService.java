package io.parley.api.inbox;

import io.parley.api.concurrent.BoundedReads;
import io.parley.api.history.MessageLookup;
import io.parley.api.inbox.ConversationListPage.MessagePreview;
import io.parley.api.inbox.ConversationListPage.Peer;
import io.parley.api.inbox.ConversationListPage.Summary;
import io.parley.api.inbox.InboxRepository.Activity;
import io.parley.api.inbox.InboxRepository.ConversationInfo;
import io.parley.api.inbox.InboxRepository.Membership;
import io.parley.api.inbox.ListOrder.Entry;
import io.parley.common.events.MessageKind;
import io.parley.common.protocol.ServerFrame.WireMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Service;

/**
 * The caller's conversations, newest activity first (docs/design.md, "Conversation list").
 *
 * <p>Two rounds of parallel reads. First, for every conversation of the user (one partition read,
 * at most {@code max-conversations}), its activity row: enough to sort them all in memory. Then,
 * for the page only, what a row shows: the read mark, the kind and name, the last message, the
 * other user of a 1:1 conversation. So a request costs O(conversations) single-row reads plus a
 * constant per item shown, and never reads a message the page does not show.
 */
@Service
class ConversationListService {

    static final String KIND_GROUP = "group";
    static final String KIND_DIRECT = "direct";

    private final InboxRepository inbox;
    private final MessageLookup messages;
    private final ConversationListSettings settings;

    ConversationListService(InboxRepository inbox, MessageLookup messages, ConversationListSettings settings) {
        this.inbox = inbox;
        this.messages = messages;
        this.settings = settings;
    }

    ConversationListPage page(long callerId, int limit, String cursorParameter) {
        // Parsed before any read, so a bad cursor costs nothing.
        ListCursor cursor = cursorParameter == null ? null : ListCursor.decode(cursorParameter);
        List<Membership> memberships = inbox.memberships(callerId, settings.maxConversations());
        List<Optional<Activity>> activities = BoundedReads.map(memberships, settings.readConcurrency(),
                m -> inbox.activity(m.conversationId())).join();

        List<Long> visibleLast = new ArrayList<>(memberships.size());
        List<Entry> clipped = new ArrayList<>();
        for (int i = 0; i < memberships.size(); i++) {
            long last = ListOrder.visibleLastSeq(memberships.get(i), activities.get(i));
            visibleLast.add(last);
            if (ListOrder.clipped(last, activities.get(i))) {
                clipped.add(new Entry(memberships.get(i), last, 0));
            }
        }
        // A removed member's conversation sorts by the time of the last message they may see, which
        // only that message knows. Read it now (it is also the row's preview).
        Map<Long, WireMessage> knownLast = new HashMap<>();
        List<Optional<WireMessage>> clippedLast = BoundedReads.map(clipped, settings.readConcurrency(),
                c -> messages.find(c.conversationId(), c.lastSeq())).join();
        for (Optional<WireMessage> message : clippedLast) {
            message.ifPresent(m -> knownLast.put(Long.parseLong(m.conversationId()), m));
        }

        List<Entry> entries = new ArrayList<>(memberships.size());
        for (int i = 0; i < memberships.size(); i++) {
            Membership membership = memberships.get(i);
            long last = visibleLast.get(i);
            Instant lastAt;
            if (ListOrder.clipped(last, activities.get(i))) {
                WireMessage message = knownLast.get(membership.conversationId());
                lastAt = message == null ? null : Instant.ofEpochMilli(message.sentAt());
            } else {
                lastAt = activities.get(i).map(Activity::lastAt).orElse(null);
            }
            Entry entry = ListOrder.place(membership, last, lastAt);
            if (cursor == null || ListOrder.after(entry, cursor)) {
                entries.add(entry);
            }
        }
        entries.sort(ListOrder.NEWEST_FIRST);

        List<Entry> page = entries.subList(0, Math.min(limit, entries.size()));
        List<Summary> summaries = BoundedReads.map(page, settings.readConcurrency(),
                entry -> summary(callerId, entry, knownLast.get(entry.conversationId()))).join();
        String nextCursor = entries.size() > limit ? page.get(page.size() - 1).cursor().encode() : null;
        // A group whose creation did not finish has no conversations row yet: not shown (the page
        // is then shorter than the limit; the cursor still continues after it).
        return new ConversationListPage(summaries.stream().filter(Objects::nonNull).toList(), nextCursor);
    }

    /** One row of the page, its reads in parallel; null for a conversation that is not complete. */
    private CompletionStage<Summary> summary(long callerId, Entry entry, WireMessage alreadyRead) {
        long conversationId = entry.conversationId();
        Membership membership = entry.membership();
        CompletableFuture<Long> readSeq = inbox.readSeq(conversationId, callerId).toCompletableFuture();
        CompletableFuture<Optional<WireMessage>> last = alreadyRead != null
                ? CompletableFuture.completedFuture(Optional.of(alreadyRead))
                : entry.lastSeq() > 0
                        ? messages.find(conversationId, entry.lastSeq()).toCompletableFuture()
                        : CompletableFuture.completedFuture(Optional.empty());
        CompletableFuture<Optional<ConversationInfo>> info = inbox.conversation(conversationId).toCompletableFuture();
        CompletableFuture<Optional<Peer>> peer = info.thenCompose(i -> i.isPresent() && isDirect(i.get())
                ? peer(conversationId, callerId)
                : CompletableFuture.completedFuture(Optional.empty()));
        return CompletableFuture.allOf(readSeq, last, peer).thenApply(ignored -> {
            if (info.join().isEmpty()) {
                return null;
            }
            boolean group = !isDirect(info.join().get());
            long read = readSeq.join();
            return new Summary(Long.toString(conversationId),
                    group ? KIND_GROUP : KIND_DIRECT,
                    group && !membership.removed() ? info.join().get().name() : null,
                    peer.join().orElse(null),
                    membership.removed(),
                    entry.lastSeq(),
                    entry.activityAt(),
                    read,
                    ListOrder.unread(entry.lastSeq(), membership.firstSeq(), read),
                    last.join().map(this::preview).orElse(null));
        });
    }

    /** Conversations from before groups have no kind: they are all 1:1. */
    private static boolean isDirect(ConversationInfo info) {
        return !KIND_GROUP.equals(info.kind());
    }

    private CompletionStage<Optional<Peer>> peer(long conversationId, long callerId) {
        return inbox.directMembers(conversationId).thenCompose(members -> {
            Optional<Long> other = members.stream().filter(id -> id != callerId).findFirst();
            if (other.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Peer>empty());
            }
            long otherId = other.get();
            return inbox.displayName(otherId)
                    .thenApply(name -> Optional.of(new Peer(Long.toString(otherId), name.orElse(null))));
        });
    }

    private MessagePreview preview(WireMessage message) {
        String text = message.text();
        boolean truncated = false;
        if (text != null && text.codePointCount(0, text.length()) > settings.previewLength()) {
            text = text.substring(0, text.offsetByCodePoints(0, settings.previewLength()));
            truncated = true;
        }
        boolean system = MessageKind.SYSTEM.equals(message.kind());
        return new MessagePreview(message.messageId(), message.seq(), message.senderId(), message.kind(),
                system ? null : text, truncated, system ? message.system() : null, message.sentAt());
    }
}
