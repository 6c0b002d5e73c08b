package io.parley.chat.sequencing;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SequencerSettingsTest {

    @Test
    void backOffLongerThanThePollIntervalIsRejected() {
        // A sleep that long on the consumer thread would cost the node its partitions mid-retry.
        assertThatIllegalArgumentException().isThrownBy(() ->
                new SequencerSettings(1, 1, Duration.ofSeconds(1), 500, 8, 16, (short) 1, Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMinutes(2)));
    }

    @Test
    void zeroThreadsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                new SequencerSettings(0, 1, Duration.ofSeconds(1), 500, 8, 16, (short) 1, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMinutes(2)));
        assertThatIllegalArgumentException().isThrownBy(() ->
                new SequencerSettings(1, 0, Duration.ofSeconds(1), 500, 8, 16, (short) 1, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMinutes(2)));
    }

    @Test
    void aStorageCommitIntervalOverAMinuteIsRejected() {
        // Everything since the last commit is replayed after a crash: a long interval is a long replay.
        assertThatIllegalArgumentException().isThrownBy(() ->
                new SequencerSettings(1, 1, Duration.ofMinutes(2), 500, 8, 16, (short) 1, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(10), Duration.ofMinutes(2)));
    }
}
