package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void doublesPerAttemptUpToTheMaximum() {
        assertThat(backoff.delayAfter(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(2, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(4, null)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.delayAfter(7, null)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delayAfter(200, null)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aLongerRetryAfterIsHonouredEvenBeyondTheMaximum() {
        assertThat(backoff.delayAfter(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(1, Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(120));
        assertThat(backoff.delayAfter(1, Duration.ofDays(3))).isEqualTo(Backoff.LONGEST_RETRY_AFTER);
    }

    @Test
    void aShorterRetryAfterDoesNotShortenTheBackoff() {
        assertThat(backoff.delayAfter(3, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
    }
}
