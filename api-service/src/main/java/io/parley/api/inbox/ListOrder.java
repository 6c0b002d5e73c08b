package io.parley.api.inbox;

import io.parley.api.inbox.InboxRepository.Activity;
import io.parley.api.inbox.InboxRepository.Membership;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * The rules of the conversation list, free of Spring and Cassandra so they can be unit-tested:
 * what part of a conversation the user may see, where it sorts, and what counts as unread.
 */
final class ListOrder {

    /** A conversation placed in the list: the newest seq the user may see (0: none) and its sort time. */
    record Entry(Membership membership, long lastSeq, long activityAt) {

        long conversationId() {
            return membership.conversationId();
        }

        ListCursor cursor() {
            return new ListCursor(activityAt, conversationId());
        }
    }

    /** Newest activity first; equal times by conversation id, higher (newer) first, so the order is total. */
    static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong(Entry::activityAt).reversed()
            .thenComparing(Comparator.comparingLong(Entry::conversationId).reversed());

    private ListOrder() {
    }

    /**
     * The newest seq the user may see: the conversation's last seq, but for a member removed from a
     * group never beyond their removal; 0 when there is nothing they may see (no activity recorded,
     * or none since they joined).
     */
    static long visibleLastSeq(Membership membership, Optional<Activity> activity) {
        if (activity.isEmpty()) {
            return 0;
        }
        long last = activity.get().lastSeq();
        if (membership.removed()) {
            last = Math.min(last, membership.removedAtSeq());
        }
        return last >= membership.firstSeq() ? last : 0;
    }

    /**
     * Whether the visible last message is older than the conversation's newest one (a removed
     * member): then the conversation must sort by that message's time, not the activity time,
     * which tells of messages the user may no longer see.
     */
    static boolean clipped(long visibleLastSeq, Optional<Activity> activity) {
        return visibleLastSeq > 0 && visibleLastSeq < activity.map(Activity::lastSeq).orElse(0L);
    }

    /**
     * The sort time: the visible last message's time ({@code lastMessageAt}, known from the
     * activity row, or for a clipped conversation read from the message itself), else the time
     * the user joined (a conversation with nothing to see yet sorts where it began for them).
     */
    static Entry place(Membership membership, long visibleLastSeq, Instant lastMessageAt) {
        Instant at = visibleLastSeq > 0 && lastMessageAt != null ? lastMessageAt : membership.joinedAt();
        return new Entry(membership, visibleLastSeq, at == null ? 0 : at.toEpochMilli());
    }

    /** Whether the entry sorts after the cursor, i.e. belongs to the page that follows it. */
    static boolean after(Entry entry, ListCursor cursor) {
        return entry.activityAt() < cursor.activityAt()
                || (entry.activityAt() == cursor.activityAt() && entry.conversationId() < cursor.conversationId());
    }

    /**
     * Messages after the user's read mark up to the newest they may see. Seqs are dense, so this is
     * a difference, no count query. Messages before the user joined are never unread, whatever
     * their mark (a member added at seq 40 with no mark has {@code last - 39} unread).
     */
    static long unread(long visibleLastSeq, long firstSeq, long readSeq) {
        if (visibleLastSeq == 0) {
            return 0;
        }
        return Math.max(0, visibleLastSeq - Math.max(readSeq, firstSeq - 1));
    }
}
