package io.parley.chat.typing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypingThrottleTest {

    private final TypingThrottle throttle = new TypingThrottle(3_000, 6_000);

    @Test
    void forwardsTheFirstStartThenAtMostOnePerInterval() {
        assertThat(throttle.start("s1", 7, 10_000)).isTrue();
        assertThat(throttle.start("s1", 7, 10_500)).isFalse();
        assertThat(throttle.start("s1", 7, 12_999)).isFalse();
        assertThat(throttle.start("s1", 7, 13_000)).isTrue();
        assertThat(throttle.start("s1", 7, 13_001)).isFalse();
    }

    @Test
    void sessionsAndConversationsAreThrottledApart() {
        assertThat(throttle.start("s1", 7, 10_000)).isTrue();
        assertThat(throttle.start("s2", 7, 10_001)).isTrue();
        assertThat(throttle.start("s1", 8, 10_002)).isTrue();
    }

    @Test
    void forwardsAStopOnlyAfterAForwardedStartThatHasNotExpired() {
        assertThat(throttle.stop("s1", 7, 10_000)).as("nothing was shown").isFalse();

        throttle.start("s1", 7, 10_000);
        assertThat(throttle.stop("s1", 7, 11_000)).isTrue();
        assertThat(throttle.stop("s1", 7, 11_001)).as("already stopped").isFalse();
        assertThat(throttle.start("s1", 7, 11_002)).as("a stop ends the interval too").isTrue();

        assertThat(throttle.stop("s1", 7, 17_002)).as("the start expired on the receivers already").isFalse();
        assertThat(throttle.size()).isZero();
    }
}
