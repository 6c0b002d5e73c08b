package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequencerTest {

    @Test
    void emptyConversationClaimsSeqOne() {
        assertThat(Sequencer.decide(42, 0, 0)).isEqualTo(new Sequencer.Claim(1, false));
    }

    @Test
    void nextMessageClaimsTheSeqAfterTheNewestClaim() {
        assertThat(Sequencer.decide(42, 7, 41)).isEqualTo(new Sequencer.Claim(8, false));
    }

    @Test
    void newestClaimNamingThisMessageIsReusedAfterACrash() {
        assertThat(Sequencer.decide(42, 7, 42)).isEqualTo(new Sequencer.Claim(7, true));
    }
}
