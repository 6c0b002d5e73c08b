package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.common.events.MessageSubmitted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequencerTest {

    private static MessageSubmitted message(long id) {
        return new MessageSubmitted(id, 7, 1, "s", "c-" + id, "hi", 0);
    }

    @Test
    void emptyConversationClaimsFromSeqOneInKafkaOrder() {
        Sequencer.ClaimPlan plan = Sequencer.plan(List.of(message(30), message(10), message(20)), 0, Map.of());

        assertThat(plan.newestSeq()).isZero();
        assertThat(plan.toClaim()).extracting(MessageSubmitted::messageId).containsExactly(30L, 10L, 20L);
        assertThat(plan.seqByMessage()).isEmpty();
    }

    @Test
    void messagesAlreadyClaimedKeepTheirSeqAfterACrashAndTheRestFollowTheNewest() {
        // A crash after claiming 8 and 9 for messages 41 and 42, before they were persisted; a
        // later claim (10, by a zombie) names another message.
        Sequencer.ClaimPlan plan = Sequencer.plan(List.of(message(41), message(42), message(43)),
                10, Map.of(41L, 8L, 42L, 9L, 99L, 10L));

        assertThat(plan.seqByMessage()).containsExactlyInAnyOrderEntriesOf(Map.of(41L, 8L, 42L, 9L));
        assertThat(plan.toClaim()).extracting(MessageSubmitted::messageId).containsExactly(43L);
        assertThat(plan.newestSeq()).isEqualTo(10);
    }
}
