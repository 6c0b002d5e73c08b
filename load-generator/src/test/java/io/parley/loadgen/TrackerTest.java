package io.parley.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerTest {

    private final Tracker tracker = new Tracker();
    private final Tracker.Conversation pair = new Tracker.Conversation("pair", 2);

    @Test
    void aMessageDeliveredToEverySlotOnceIsCompleteWithNothingLost() {
        tracker.register("m1", pair, 0, 1_000_000, true);
        assertThat(tracker.complete()).isFalse();
        tracker.ack("m1", "c1", 3_000_000);
        tracker.delivered("m1", pair, 1, 1, 5_000_000);
        assertThat(tracker.complete()).isFalse();
        tracker.delivered("m1", pair, 0, 1, 6_000_000);

        assertThat(tracker.complete()).isTrue();
        assertThat(pair.id).isEqualTo("c1");
        Tracker.Counts c = tracker.counts();
        assertThat(c.expectedDeliveries()).isEqualTo(2);
        assertThat(c.delivered()).isEqualTo(2);
        assertThat(c.lost()).isZero();
        assertThat(c.duplicated()).isZero();
        assertThat(c.unanswered()).isZero();
        Latency.Stats ack = tracker.ackLatency().total();
        Latency.Stats deliver = tracker.deliverLatency().total();
        assertThat(ack.count()).isEqualTo(1);
        assertThat(ack.max()).isBetween(1.99, 2.01);
        assertThat(deliver.count()).isEqualTo(2);
        assertThat(deliver.p50()).isBetween(3.99, 4.01);
        assertThat(deliver.max()).isBetween(4.99, 5.01);
    }

    @Test
    void aSecondCopyAtTheSameSessionIsADuplicateNotADelivery() {
        tracker.register("m1", pair, 0, 0, true);
        tracker.ack("m1", "c1", 10);
        tracker.delivered("m1", pair, 1, 1, 20);
        tracker.delivered("m1", pair, 1, 1, 30);
        tracker.delivered("m1", pair, 0, 1, 40);

        Tracker.Counts c = tracker.counts();
        assertThat(c.delivered()).isEqualTo(2);
        assertThat(c.duplicated()).isEqualTo(1);
        assertThat(c.lost()).isZero();
        assertThat(tracker.deliverLatency().total().count()).isEqualTo(2);
    }

    @Test
    void anAckedMessageMissingAtASessionIsLost() {
        tracker.register("m1", pair, 0, 0, true);
        tracker.register("m2", pair, 1, 0, true);
        tracker.ack("m1", "c1", 10);
        tracker.ack("m2", "c1", 10);
        tracker.delivered("m1", pair, 0, 1, 20);
        tracker.delivered("m1", pair, 1, 1, 20);
        tracker.delivered("m2", pair, 1, 2, 20); // never reaches slot 0

        assertThat(tracker.complete()).isFalse();
        assertThat(tracker.missing()).isEqualTo(1);
        Tracker.Counts c = tracker.counts();
        assertThat(c.expectedDeliveries()).isEqualTo(4);
        assertThat(c.lost()).isEqualTo(1);
    }

    @Test
    void aRefusedMessageIsExpectedNowhereAndCountedByCode() {
        tracker.register("m1", pair, 0, 0, true);
        tracker.register("m2", pair, 0, 0, true);
        tracker.error("m1", "too_many_requests", 10);
        tracker.error(null, "invalid_frame", 10);
        tracker.ack("m2", "c1", 10);
        tracker.delivered("m2", pair, 0, 1, 20);
        tracker.delivered("m2", pair, 1, 1, 20);

        assertThat(tracker.complete()).isTrue();
        Tracker.Counts c = tracker.counts();
        assertThat(c.errorsByCode()).containsEntry("too_many_requests", 1L).containsEntry("invalid_frame", 1L);
        assertThat(c.errored()).isEqualTo(1);
        assertThat(c.expectedDeliveries()).isEqualTo(2);
        assertThat(c.lost()).isZero();
    }

    @Test
    void aSendWithoutAnyAnswerIsUnansweredNotLost() {
        tracker.register("m1", pair, 0, 0, true);
        Tracker.Counts c = tracker.counts();
        assertThat(tracker.complete()).isFalse();
        assertThat(c.unanswered()).isEqualTo(1);
        assertThat(c.expectedDeliveries()).isZero();
        assertThat(c.lost()).isZero();
    }

    @Test
    void warmUpMessagesAreAccountedButNotMeasured() {
        tracker.register("w", pair, 0, 0, false);
        tracker.ack("w", "c1", 1_000_000);
        tracker.delivered("w", pair, 0, 1, 2_000_000);
        tracker.delivered("w", pair, 1, 1, 2_000_000);

        assertThat(tracker.counts().delivered()).isEqualTo(2);
        assertThat(tracker.counts().sentMeasured()).isZero();
        assertThat(tracker.ackLatency().total().count()).isZero();
        assertThat(tracker.deliverLatency().total().count()).isZero();
    }

    @Test
    void ratesCountOnlyWhatArrivesInTheWindow() {
        tracker.window(100, 200);
        tracker.register("a", pair, 0, 50, false);
        tracker.ack("a", "c1", 99);
        tracker.delivered("a", pair, 0, 1, 150);
        tracker.delivered("a", pair, 1, 1, 200);
        Tracker.Counts c = tracker.counts();
        assertThat(c.ackedInWindow()).isZero();
        assertThat(c.deliveredInWindow()).isEqualTo(1);
    }

    @Test
    void framesOfOtherMessagesAndWrongSessionsAreSetAside() {
        Tracker.Conversation other = new Tracker.Conversation("other", 2);
        tracker.register("m1", pair, 0, 0, true);
        tracker.ack("m1", "c1", 1);
        assertThat(tracker.delivered(null, pair, 0, 1, 2)).isFalse(); // a system message
        assertThat(tracker.delivered("older-run-7", pair, 0, 3, 2)).isFalse();
        tracker.delivered("m1", other, 0, 1, 2);

        Tracker.Counts c = tracker.counts();
        assertThat(c.foreignFrames()).isEqualTo(2);
        assertThat(c.misrouted()).isEqualTo(1);
        assertThat(c.delivered()).isZero();
    }

    @Test
    void copiesWithDifferentSeqsAreASeqMismatch() {
        tracker.register("m1", pair, 0, 0, true);
        tracker.ack("m1", "c1", 1);
        tracker.delivered("m1", pair, 0, 4, 2);
        tracker.delivered("m1", pair, 1, 5, 2);
        assertThat(tracker.counts().seqMismatch()).isEqualTo(1);
    }

    @Test
    void senderOrderCountsMessagesSequencedBelowAnEarlierSendOfTheSameSender() {
        Tracker.Conversation group = new Tracker.Conversation("group", 3);
        long[] seqsOfSender0 = {1, 3, 2, 4, 6, 5}; // in send order: 2 and 5 came after higher seqs
        for (int i = 0; i < seqsOfSender0.length; i++) {
            tracker.register("a" + i, group, 0, i, true);
            tracker.ack("a" + i, "g", i);
            tracker.delivered("a" + i, group, 1, seqsOfSender0[i], i);
        }
        // another sender's messages interleave in seq but are in its own order
        tracker.register("b0", group, 1, 0, true);
        tracker.ack("b0", "g", 0);
        tracker.delivered("b0", group, 2, 7, 0);

        assertThat(tracker.counts().outOfOrderSender()).isEqualTo(2);
    }

    @Test
    void senderOrderIsPerConversation() {
        Tracker.Conversation a = new Tracker.Conversation("a", 2);
        Tracker.Conversation b = new Tracker.Conversation("b", 2);
        String[] ids = {"a1", "b1", "a2", "b2"};
        Tracker.Conversation[] convs = {a, b, a, b};
        long[] seqs = {5, 1, 6, 2}; // the same slot sends into both; each conversation is in order
        for (int i = 0; i < ids.length; i++) {
            tracker.register(ids[i], convs[i], 0, i, true);
            tracker.delivered(ids[i], convs[i], 1, seqs[i], i);
        }
        assertThat(tracker.counts().outOfOrderSender()).isZero();
    }

    @Test
    void senderOrderSkipsMessagesWithoutAKnownSeq() {
        Tracker.Conversation c = new Tracker.Conversation("c", 2);
        Tracker.Sent first = new Tracker.Sent("x", c, 0, 0, true);
        Tracker.Sent lost = new Tracker.Sent("y", c, 0, 1, true);
        Tracker.Sent third = new Tracker.Sent("z", c, 0, 2, true);
        Tracker t = new Tracker();
        t.register("x", c, 0, 0, true);
        t.register("y", c, 0, 1, true);
        t.register("z", c, 0, 2, true);
        t.delivered("x", c, 0, 1, 0);
        t.delivered("z", c, 0, 3, 0);
        assertThat(t.counts().outOfOrderSender()).isZero();
        assertThat(Tracker.senderOrderViolations(List.of(first, lost, third))).isZero();
    }

    @Test
    void aSecondAnswerToTheSameSendIsCountedOnce() {
        tracker.register("m1", pair, 0, 0, true);
        tracker.ack("m1", "c1", 1);
        tracker.ack("m1", "c1", 2);
        assertThat(tracker.counts().acked()).isEqualTo(1);
        assertThat(tracker.counts().duplicateAnswers()).isEqualTo(1);
    }

    @Test
    void largeConversationsTrackEverySlot() {
        Tracker.Conversation group = new Tracker.Conversation("group", 130);
        tracker.register("m", group, 0, 0, true);
        tracker.ack("m", "g", 1);
        for (int slot = 0; slot < 130; slot++) {
            tracker.delivered("m", group, slot, 9, 2);
        }
        tracker.delivered("m", group, 129, 9, 3);
        tracker.delivered("m", group, 64, 9, 3);
        assertThat(tracker.complete()).isTrue();
        assertThat(tracker.counts().delivered()).isEqualTo(130);
        assertThat(tracker.counts().duplicated()).isEqualTo(2);
    }
}
