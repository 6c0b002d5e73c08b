package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingOfflinesTest {

    @Test
    void aUserIsDueOnlyOnceTheGracePeriodIsOver() {
        PendingOfflines pending = new PendingOfflines();
        pending.start(1, 10_000);
        pending.start(2, 12_000);

        assertThat(pending.takeDue(9_999)).isEmpty();
        assertThat(pending.takeDue(10_000)).containsExactly(1L);
        assertThat(pending.takeDue(11_000)).as("taken once").isEmpty();
        assertThat(pending.isPending(2)).isTrue();
        assertThat(pending.takeDue(20_000)).containsExactly(2L);
    }

    @Test
    void aReconnectCancelsTheCheck() {
        PendingOfflines pending = new PendingOfflines();
        pending.start(1, 10_000);
        pending.cancel(1);
        assertThat(pending.takeDue(60_000)).isEmpty();
        assertThat(pending.isPending(1)).isFalse();
    }

    @Test
    void closingAgainRestartsTheGracePeriod() {
        PendingOfflines pending = new PendingOfflines();
        pending.start(1, 10_000);
        pending.start(1, 15_000); // reconnected and dropped again: the later drop counts
        assertThat(pending.takeDue(12_000)).isEmpty();
        assertThat(pending.takeDue(15_000)).containsExactly(1L);
    }
}
