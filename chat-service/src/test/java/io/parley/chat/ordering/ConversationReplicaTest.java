package io.parley.chat.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.chat.ordering.ConversationReplica.Held;
import io.parley.chat.ordering.ConversationReplica.Outcome;
import io.parley.chat.ordering.ConversationReplica.Source;
import org.junit.jupiter.api.Test;

/** The client-side merge rules the skew IT relies on (docs/protocol.md, "Resume and sync"). */
class ConversationReplicaTest {

    private static Held msg(long seq, Source source) {
        return new Held(seq, "m" + seq, "7", "c" + seq, 1_000 + seq, source);
    }

    @Test
    void inOrderMessagesAdvanceTheCursorWithoutAGap() {
        ConversationReplica replica = new ConversationReplica(1);
        assertThat(replica.apply(msg(1, Source.LIVE))).isEqualTo(Outcome.NEW);
        assertThat(replica.apply(msg(2, Source.LIVE))).isEqualTo(Outcome.NEW);
        assertThat(replica.cursor()).isEqualTo(2);
        assertThat(replica.hasGap()).isFalse();
    }

    @Test
    void aSkippedSeqIsAGapAndTheCursorStaysBelowTheHole() {
        ConversationReplica replica = new ConversationReplica(1);
        replica.apply(msg(1, Source.LIVE));
        // Holding 1 and receiving 3: 2 was missed. "Nothing new" would be receiving 2 (or nothing).
        assertThat(replica.apply(msg(3, Source.LIVE))).isEqualTo(Outcome.GAP);
        assertThat(replica.cursor()).isEqualTo(1);
        assertThat(replica.hasGap()).isTrue();

        assertThat(replica.apply(msg(2, Source.SYNC))).isEqualTo(Outcome.NEW);
        assertThat(replica.cursor()).isEqualTo(3);
        assertThat(replica.hasGap()).isFalse();
        assertThat(replica.history()).extracting(Held::seq).containsExactly(1L, 2L, 3L);
        assertThat(replica.get(2).source()).isEqualTo(Source.SYNC);
    }

    @Test
    void aSecondCopyOfASeqIsDroppedAndAConflictingOneIsRecorded() {
        ConversationReplica replica = new ConversationReplica(1);
        replica.apply(msg(1, Source.SYNC));
        assertThat(replica.apply(msg(1, Source.LIVE))).isEqualTo(Outcome.DUPLICATE);
        assertThat(replica.duplicates()).isEqualTo(1);
        assertThat(replica.conflicts()).isEmpty();
        assertThat(replica.get(1).source()).isEqualTo(Source.SYNC);

        assertThat(replica.apply(new Held(1, "other", "7", "x", 5, Source.LIVE))).isEqualTo(Outcome.DUPLICATE);
        assertThat(replica.conflicts()).hasSize(1);
        assertThat(replica.history()).extracting(Held::messageId).containsExactly("m1");
    }

    @Test
    void aDeviceThatStartsMidStreamHasAGapUntilItSyncsFromZero() {
        ConversationReplica replica = new ConversationReplica(1);
        assertThat(replica.apply(msg(5, Source.LIVE))).isEqualTo(Outcome.GAP);
        assertThat(replica.cursor()).isZero();
        for (long seq = 1; seq <= 4; seq++) {
            replica.apply(msg(seq, Source.SYNC));
        }
        assertThat(replica.cursor()).isEqualTo(5);
        assertThat(replica.hasGap()).isFalse();
    }
}
