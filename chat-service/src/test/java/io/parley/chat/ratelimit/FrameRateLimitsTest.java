package io.parley.chat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.ratelimit.FrameRateLimitSettings.Limit;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FrameRateLimitsTest {

    private static final long ALICE = 1;
    private static final long BOB = 2;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private FrameRateLimits limits(Limit sendPerSession, Limit sendPerUser, Limit presencePerSession,
                                   Limit presencePerUser, int maxUsers) {
        return new FrameRateLimits(new FrameRateLimitSettings(true, sendPerSession, sendPerUser, presencePerSession,
                presencePerUser, maxUsers), meters, nanos::get);
    }

    private FrameRateLimits sendLimits(int perSession, int perUser) {
        return limits(new Limit(perSession, Duration.ofSeconds(10)), new Limit(perUser, Duration.ofSeconds(10)),
                null, null, 100);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void aSessionGetsItsLimitThenARefusalWithTheWaitUntilItsWindowEnds() {
        FrameRateLimits limits = sendLimits(3, 100);
        SessionBudget phone = limits.newSession();
        for (int i = 0; i < 3; i++) {
            assertThat(limits.checkSend(phone, ALICE)).as("send %d", i + 1).isEmpty();
        }
        advance(Duration.ofMillis(2_500));

        Optional<Refusal> refused = limits.checkSend(phone, ALICE);

        assertThat(refused).hasValueSatisfying(refusal -> {
            assertThat(refusal.limit()).isEqualTo("send-per-session");
            assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(7_500));
            assertThat(refusal.retryAfterMillis()).isEqualTo(7_500);
        });
        assertThat(meters.counter("parley.rate.limit.refusals", "limit", "send-per-session").count()).isEqualTo(1);
    }

    @Test
    void anotherSessionAndAnotherUserAreUnaffectedByAFloodingSession() {
        FrameRateLimits limits = sendLimits(2, 100);
        SessionBudget flooder = limits.newSession();
        for (int i = 0; i < 50; i++) {
            limits.checkSend(flooder, ALICE);
        }
        assertThat(limits.checkSend(flooder, ALICE)).isPresent();

        assertThat(limits.checkSend(limits.newSession(), BOB)).isEmpty();
        assertThat(limits.checkSend(limits.newSession(), ALICE)).as("Alice's laptop").isEmpty();
    }

    @Test
    void aUsersSessionsShareThePerUserBudgetAndOtherUsersDoNot() {
        FrameRateLimits limits = sendLimits(10, 4);
        SessionBudget phone = limits.newSession();
        SessionBudget laptop = limits.newSession();
        assertThat(limits.checkSend(phone, ALICE)).isEmpty();
        assertThat(limits.checkSend(phone, ALICE)).isEmpty();
        assertThat(limits.checkSend(laptop, ALICE)).isEmpty();
        assertThat(limits.checkSend(laptop, ALICE)).isEmpty();

        assertThat(limits.checkSend(laptop, ALICE)).hasValueSatisfying(
                refusal -> assertThat(refusal.limit()).isEqualTo("send-per-user"));
        assertThat(limits.checkSend(phone, ALICE)).isPresent();
        assertThat(limits.checkSend(limits.newSession(), BOB)).isEmpty();

        advance(Duration.ofSeconds(10));
        assertThat(limits.checkSend(phone, ALICE)).as("a new window").isEmpty();
    }

    @Test
    void framesASessionRefusesDoNotUseTheUsersBudget() {
        FrameRateLimits limits = sendLimits(2, 3);
        SessionBudget flooder = limits.newSession();
        for (int i = 0; i < 20; i++) {
            limits.checkSend(flooder, ALICE);
        }
        // The flooder took 2 of Alice's 3; her other device still has the third.
        SessionBudget laptop = limits.newSession();
        assertThat(limits.checkSend(laptop, ALICE)).isEmpty();
        assertThat(limits.checkSend(laptop, ALICE)).isPresent();
    }

    @Test
    void aRefusedFrameReservesNothingSoTheNextWindowStartsFull() {
        FrameRateLimits limits = sendLimits(2, 100);
        SessionBudget session = limits.newSession();
        limits.checkSend(session, ALICE);
        limits.checkSend(session, ALICE);
        for (int i = 0; i < 5; i++) {
            assertThat(limits.checkSend(session, ALICE)).isPresent();
        }

        advance(Duration.ofSeconds(10));

        assertThat(limits.checkSend(session, ALICE)).isEmpty();
        assertThat(limits.checkSend(session, ALICE)).isEmpty();
        assertThat(limits.checkSend(session, ALICE)).isPresent();
    }

    @Test
    void presenceFramesHaveTheirOwnBudgetApartFromSends() {
        FrameRateLimits limits = limits(new Limit(100, Duration.ofSeconds(10)), new Limit(100, Duration.ofSeconds(10)),
                new Limit(2, Duration.ofSeconds(10)), new Limit(3, Duration.ofSeconds(10)), 100);
        SessionBudget session = limits.newSession();
        assertThat(limits.checkPresence(session, ALICE)).isEmpty();
        assertThat(limits.checkPresence(session, ALICE)).isEmpty();
        assertThat(limits.checkPresence(session, ALICE)).hasValueSatisfying(
                refusal -> assertThat(refusal.limit()).isEqualTo("presence-per-session"));
        assertThat(limits.checkSend(session, ALICE)).as("sends are counted apart").isEmpty();

        SessionBudget other = limits.newSession();
        assertThat(limits.checkPresence(other, ALICE)).isEmpty();
        assertThat(limits.checkPresence(other, ALICE)).hasValueSatisfying(
                refusal -> assertThat(refusal.limit()).isEqualTo("presence-per-user"));
    }

    @Test
    void offMeansNeverRefused() {
        FrameRateLimits limits = new FrameRateLimits(FrameRateLimitSettings.defaults(false), meters, nanos::get);
        SessionBudget session = limits.newSession();
        for (int i = 0; i < 5_000; i++) {
            assertThat(limits.checkSend(session, ALICE)).isEmpty();
            assertThat(limits.checkPresence(session, ALICE)).isEmpty();
        }
        assertThat(limits.rememberedUsers()).containsExactly(0, 0);
    }

    @Test
    void theDefaultsLetASessionSend50PerSecondForAMinuteWithoutARefusal() {
        FrameRateLimits limits = new FrameRateLimits(FrameRateLimitSettings.defaults(true), meters, nanos::get);
        SessionBudget groupSender = limits.newSession();
        for (int i = 0; i < 50 * 60; i++) {
            assertThat(limits.checkSend(groupSender, ALICE)).as("send %d", i).isEmpty();
            advance(Duration.ofMillis(20));
        }
    }

    @Test
    void usersIdleForAWholePeriodAreForgottenAndTheMapIsBounded() {
        FrameRateLimits limits = sendLimits(10, 1);
        for (long user = 1; user <= 50; user++) {
            limits.checkSend(limits.newSession(), user);
        }
        assertThat(limits.rememberedUsers()[0]).isEqualTo(50);

        advance(Duration.ofSeconds(10));
        limits.checkSend(limits.newSession(), 999);
        assertThat(limits.rememberedUsers()[0]).isEqualTo(1);

        FrameRateLimits small = limits(new Limit(10, Duration.ofSeconds(10)), new Limit(1, Duration.ofSeconds(10)),
                null, null, 3);
        for (long user = 1; user <= 10; user++) {
            small.checkSend(small.newSession(), user);
        }
        assertThat(small.rememberedUsers()[0]).isEqualTo(3);
    }

    @Test
    void theRetryDelayIsRoundedUpToAWholeMillisecondAndNeverZero() {
        assertThat(new Refusal("x", Duration.ofNanos(1)).retryAfterMillis()).isEqualTo(1);
        assertThat(new Refusal("x", Duration.ZERO).retryAfterMillis()).isEqualTo(1);
        assertThat(new Refusal("x", Duration.ofNanos(1_000_001)).retryAfterMillis()).isEqualTo(2);
    }
}
