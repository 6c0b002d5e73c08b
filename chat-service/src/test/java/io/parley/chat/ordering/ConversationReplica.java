package io.parley.chat.ordering;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One device's copy of one conversation, kept the way docs/protocol.md ("Resume and sync") tells a
 * client to keep it: messages stored by seq, a second copy of a seq dropped, and a cursor that is
 * the highest seq held <em>without a hole below it</em>, so it never claims a message the device
 * does not have. Because seqs are dense, a held seq above the cursor is a gap the device knows
 * about (it must sync), while "cursor = highest held" means there is nothing it knows it misses.
 *
 * <p>Thread-safe: a device's socket listener and the test thread both read it.
 */
final class ConversationReplica {

    /** How a message reached the device. */
    enum Source { LIVE, SYNC }

    /** A message as the device holds it. */
    record Held(long seq, String messageId, String senderId, String clientMessageId, long sentAt, Source source) {
    }

    /** What applying one message did. */
    enum Outcome {
        /** Stored; the device has no hole. */
        NEW,
        /** Stored, and the device now holds a seq above a hole: it must sync. */
        GAP,
        /** The device already held this seq: dropped (the copy must be the same message). */
        DUPLICATE
    }

    private final long conversationId;
    private final TreeMap<Long, Held> bySeq = new TreeMap<>();
    private final List<String> conflicts = new ArrayList<>();
    private long cursor;
    private int duplicates;

    ConversationReplica(long conversationId) {
        this.conversationId = conversationId;
    }

    long conversationId() {
        return conversationId;
    }

    synchronized Outcome apply(Held message) {
        if (message.seq() < 1) {
            throw new IllegalArgumentException("seqs start at 1: " + message);
        }
        Held existing = bySeq.get(message.seq());
        if (existing != null) {
            duplicates++;
            if (!existing.messageId().equals(message.messageId())) {
                // Two messages under one seq: the server broke "one order"; kept for the assertion.
                conflicts.add("seq " + message.seq() + ": held " + existing.messageId() + ", got " + message.messageId());
            }
            return Outcome.DUPLICATE;
        }
        bySeq.put(message.seq(), message);
        while (bySeq.containsKey(cursor + 1)) {
            cursor++;
        }
        return hasGap() ? Outcome.GAP : Outcome.NEW;
    }

    /** The highest seq held with every seq below it held too: what the device tells the server in sync. */
    synchronized long cursor() {
        return cursor;
    }

    /** Whether the device holds a seq above a hole (it knows it missed something). */
    synchronized boolean hasGap() {
        return !bySeq.isEmpty() && bySeq.lastKey() > cursor;
    }

    synchronized boolean holds(long seq) {
        return bySeq.containsKey(seq);
    }

    synchronized Held get(long seq) {
        return bySeq.get(seq);
    }

    /** Everything held, ascending by seq. */
    synchronized List<Held> history() {
        return List.copyOf(bySeq.values());
    }

    /** Copies dropped because the seq was already held (live and sync overlap, at-least-once fan-out). */
    synchronized int duplicates() {
        return duplicates;
    }

    /** Seqs that arrived naming a different message than the one already held; must stay empty. */
    synchronized List<String> conflicts() {
        return List.copyOf(conflicts);
    }
}
