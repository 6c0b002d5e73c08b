package io.parley.api.history;

import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the bucketed message store to fill one page. Kept free of Spring and Cassandra so the
 * paging rules can be unit-tested exactly.
 *
 * <p>Both directions start from the conversation's highest claimed seq, so a cursor from a
 * client (however large) never sends us scanning empty buckets. Seqs are dense (1, 2, 3, ...), so
 * every bucket below the highest one is full once its messages are stored, and a page touches at
 * most two partitions for any limit up to the bucket size.
 */
final class HistoryPager {

    private final MessageReader reader;

    HistoryPager(MessageReader reader) {
        this.reader = reader;
    }

    /** The newest messages, newest first. */
    HistoryPage latest(long conversationId, int limit) {
        return before(conversationId, Long.MAX_VALUE, limit);
    }

    /** Messages with seq &lt; {@code before}, newest first. */
    HistoryPage before(long conversationId, long before, int limit) {
        long highest = reader.highestSeq(conversationId);
        long bound = Math.min(before, highest + 1);
        List<WireMessage> page = new ArrayList<>(limit);
        if (bound > 1) {
            for (long bucket = MessageBuckets.of(bound - 1); bucket >= 0 && page.size() < limit; bucket--) {
                page.addAll(reader.olderThan(conversationId, bucket, bound, limit - page.size()));
            }
        }
        Long nextBefore = null;
        if (page.size() == limit) {
            long oldest = page.get(page.size() - 1).seq();
            nextBefore = oldest > 1 ? oldest : null;
        }
        return new HistoryPage(page, nextBefore, null);
    }

    /**
     * Messages with seq &gt; {@code after}, oldest first: the catch-up direction. The page stops at
     * the first missing seq. A seq can be claimed before its message is stored (the sequencer
     * claims, then writes), and a client that advanced its cursor past such a hole would never
     * see that message; stopping there keeps {@code after} cursors gap-free.
     */
    HistoryPage after(long conversationId, long after, int limit) {
        long highest = reader.highestSeq(conversationId);
        if (after >= highest) {
            return new HistoryPage(List.of(), null, null);
        }
        List<WireMessage> page = new ArrayList<>(limit);
        long expected = after + 1;
        boolean stalled = false;
        while (!stalled && expected <= highest && page.size() < limit) {
            long bucket = MessageBuckets.of(expected);
            List<WireMessage> rows = reader.newerThan(conversationId, bucket, expected - 1, limit - page.size());
            for (WireMessage message : rows) {
                if (message.seq() != expected) {
                    break;
                }
                page.add(message);
                expected++;
            }
            // Still in the same bucket means the bucket ended early or had a hole: a message in
            // flight. Reading it again now would find nothing new.
            stalled = MessageBuckets.of(expected) == bucket && page.size() < limit;
        }
        long lastServed = expected - 1;
        Long nextAfter = lastServed < highest ? lastServed : null;
        return new HistoryPage(page, null, nextAfter);
    }
}
