package io.parley.loadgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The accounting of a run: every message the generator sent (by its client message id), every
 * answer to it, and every delivery of it to every session that should get it. All times are
 * {@link System#nanoTime()} of this JVM, so send, ack and delivery are read on one clock.
 *
 * <p>Thread-safe: sends are registered by the schedule's thread, acks and deliveries arrive on the
 * WebSocket threads.
 */
final class Tracker {

    /**
     * A conversation under load: {@code size} member sessions, slots {@code 0..size-1}. Every
     * message into it must reach every slot once, the sender's own session included (docs/protocol.md:
     * "every session of yours, the sending one included, then gets the message").
     */
    static final class Conversation {
        final String label;
        final int size;
        volatile String id;

        Conversation(String label, int size) {
            this.label = label;
            this.size = size;
        }
    }

    /** One message the generator sent. */
    static final class Sent {
        final String clientId;
        final Conversation conversation;
        final int senderSlot;
        final long sendNanos;
        final boolean measured;
        private final long[] seen;
        private int delivered;
        private long ackNanos;
        private String error;
        private long seq = -1;

        Sent(String clientId, Conversation conversation, int senderSlot, long sendNanos, boolean measured) {
            this.clientId = clientId;
            this.conversation = conversation;
            this.senderSlot = senderSlot;
            this.sendNanos = sendNanos;
            this.measured = measured;
            this.seen = new long[(conversation.size + 63) / 64];
        }

        synchronized boolean acked() {
            return ackNanos != 0;
        }

        synchronized long seq() {
            return seq;
        }

        synchronized int delivered() {
            return delivered;
        }
    }

    private final Map<String, Sent> byClientId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Sent> inSendOrder = new ConcurrentLinkedQueue<>();
    private final Latency ackLatency = new Latency();
    private final Latency deliverLatency = new Latency();

    private final LongAdder sent = new LongAdder();
    private final LongAdder sentMeasured = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder errored = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder deliveredInWindow = new LongAdder();
    private final LongAdder ackedInWindow = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder conversationOrder = new LongAdder();
    private final LongAdder seqMismatch = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    private final LongAdder misrouted = new LongAdder();
    private final LongAdder deliveredAfterError = new LongAdder();
    private final LongAdder duplicateAcks = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    /** Deliveries still expected: every registered send adds its conversation's size, each first delivery takes one. */
    private final AtomicLong missing = new AtomicLong();
    /** Sends with neither an ack nor an error yet. */
    private final AtomicLong unanswered = new AtomicLong();

    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    /** The measured window: deliveries and acks arriving in it count towards the achieved rates. */
    void window(long startNanos, long endNanos) {
        this.windowStart = startNanos;
        this.windowEnd = endNanos;
    }

    Sent register(String clientId, Conversation conversation, int senderSlot, long sendNanos, boolean measured) {
        Sent s = new Sent(clientId, conversation, senderSlot, sendNanos, measured);
        if (byClientId.putIfAbsent(clientId, s) != null) {
            throw new IllegalStateException("client message id used twice: " + clientId);
        }
        inSendOrder.add(s);
        sent.increment();
        if (measured) {
            sentMeasured.increment();
        }
        missing.addAndGet(conversation.size);
        unanswered.incrementAndGet();
        return s;
    }

    /** An {@code ack} frame for {@code clientId}. */
    void ack(String clientId, String conversationId, long nanos) {
        Sent s = byClientId.get(clientId);
        if (s == null) {
            foreign.increment();
            return;
        }
        synchronized (s) {
            if (s.ackNanos != 0 || s.error != null) {
                duplicateAcks.increment();
                return;
            }
            s.ackNanos = nanos;
        }
        if (s.conversation.id == null && conversationId != null) {
            s.conversation.id = conversationId;
        }
        acked.increment();
        unanswered.decrementAndGet();
        if (nanos >= windowStart && nanos < windowEnd) {
            ackedInWindow.increment();
        }
        if (s.measured) {
            ackLatency.recordNanos(nanos - s.sendNanos);
        }
    }

    /** An {@code error} frame; {@code ref} is the refused send's id when the server could name it. */
    void error(String ref, String code, long nanos) {
        errors.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
        Sent s = ref == null ? null : byClientId.get(ref);
        if (s == null) {
            return;
        }
        int stillMissing;
        synchronized (s) {
            if (s.ackNanos != 0 || s.error != null) {
                duplicateAcks.increment();
                return;
            }
            s.error = code;
            stillMissing = s.conversation.size - s.delivered;
        }
        errored.increment();
        unanswered.decrementAndGet();
        missing.addAndGet(-stillMissing); // a refused message is delivered nowhere
    }

    /**
     * A {@code message} frame at the session in {@code slot} of {@code sessionConversation}.
     *
     * @return false when the frame is not one of this run's messages (a system message, an older run's)
     */
    boolean delivered(String clientId, Conversation sessionConversation, int slot, long seq, long nanos) {
        Sent s = clientId == null ? null : byClientId.get(clientId);
        if (s == null) {
            foreign.increment();
            return false;
        }
        if (s.conversation != sessionConversation || slot < 0 || slot >= s.conversation.size) {
            misrouted.increment();
            return true;
        }
        boolean afterError;
        synchronized (s) {
            long bit = 1L << (slot & 63);
            if ((s.seen[slot >> 6] & bit) != 0) {
                duplicated.increment();
                return true;
            }
            s.seen[slot >> 6] |= bit;
            s.delivered++;
            if (s.seq < 0) {
                s.seq = seq;
            } else if (s.seq != seq) {
                seqMismatch.increment();
            }
            afterError = s.error != null;
        }
        delivered.increment();
        if (afterError) {
            deliveredAfterError.increment();
        } else {
            missing.decrementAndGet();
        }
        if (nanos >= windowStart && nanos < windowEnd) {
            deliveredInWindow.increment();
        }
        if (s.measured) {
            deliverLatency.recordNanos(nanos - s.sendNanos);
        }
        return true;
    }

    /** A session saw a seq lower than one it already had in the same conversation. */
    void conversationOrderViolation() {
        conversationOrder.increment();
    }

    /** Every send answered and every acked message delivered everywhere. */
    boolean complete() {
        return missing.get() == 0 && unanswered.get() == 0;
    }

    long sent() {
        return sent.sum();
    }

    long acked() {
        return acked.sum();
    }

    long delivered() {
        return delivered.sum();
    }

    long errors() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long missing() {
        return missing.get();
    }

    Latency ackLatency() {
        return ackLatency;
    }

    Latency deliverLatency() {
        return deliverLatency;
    }

    Iterable<Sent> all() {
        return inSendOrder;
    }

    /** The final counts; call when nothing more is awaited. */
    Counts counts() {
        long expected = 0;
        long lost = 0;
        long unansweredDelivered = 0;
        Map<Conversation, Map<Integer, List<Sent>>> bySender = new IdentityHashMap<>();
        for (Sent s : inSendOrder) {
            synchronized (s) {
                if (s.ackNanos != 0) {
                    expected += s.conversation.size;
                    lost += s.conversation.size - s.delivered;
                } else if (s.error == null) {
                    unansweredDelivered += s.delivered;
                }
            }
            bySender.computeIfAbsent(s.conversation, c -> new HashMap<>())
                    .computeIfAbsent(s.senderSlot, k -> new ArrayList<>()).add(s);
        }
        long senderOrder = 0;
        for (Map<Integer, List<Sent>> senders : bySender.values()) {
            for (List<Sent> sends : senders.values()) {
                senderOrder += senderOrderViolations(sends);
            }
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((code, n) -> errorCounts.put(code, n.sum()));
        return new Counts(sent.sum(), sentMeasured.sum(), acked.sum(), ackedInWindow.sum(), errored.sum(), errorCounts,
                unanswered.get(), expected, delivered.sum(), deliveredInWindow.sum(), lost, duplicated.sum(),
                conversationOrder.sum(), senderOrder, seqMismatch.sum(), misrouted.sum(), deliveredAfterError.sum(),
                unansweredDelivered, foreign.sum(), duplicateAcks.sum());
    }

    /**
     * One sender's messages into one conversation, in the order it sent them: how many got a seq
     * lower than a message it had sent before (the author's order broken there). Messages never
     * delivered anywhere have no known seq and are skipped.
     */
    static long senderOrderViolations(List<Sent> inSendOrder) {
        long violations = 0;
        long highest = -1;
        for (Sent s : inSendOrder) {
            long seq = s.seq();
            if (seq < 0) {
                continue;
            }
            if (seq < highest) {
                violations++;
            } else {
                highest = seq;
            }
        }
        return violations;
    }

    /** What a run counted. See docs/benchmarks.md ("Load generator") for each field. */
    record Counts(long sent, long sentMeasured, long acked, long ackedInWindow, long errored,
                  Map<String, Long> errorsByCode, long unanswered, long expectedDeliveries, long delivered,
                  long deliveredInWindow, long lost, long duplicated, long outOfOrderConversation,
                  long outOfOrderSender, long seqMismatch, long misrouted, long deliveredAfterError,
                  long unansweredDelivered, long foreignFrames, long duplicateAnswers) {
    }
}
