package io.parley.push.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.push.config.PushSettings;
import io.parley.push.support.PushIntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The claim leases on real Cassandra: a live claim is left to its holder, a stale one (its holder
 * died before FCM answered) is taken over by exactly one instance, and a holder whose lease was
 * taken over cannot extend it any more.
 */
class DeliveryClaimsIT extends PushIntegrationTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @Autowired
    PushSettings defaults;

    private DeliveryClaims claimsAt(Instant now) {
        PushSettings settings = new PushSettings(defaults.preview(), defaults.previewLength(), defaults.coalesceWindow(),
                defaults.maxAge(), LEASE, defaults.retry(), defaults.consumer(), defaults.fcm());
        return new DeliveryClaims(cql, Clock.fixed(now, ZoneOffset.UTC), settings);
    }

    @Test
    void aLiveClaimIsLeftToItsHolderAndAStaleOneIsTakenOver() {
        long user = randomId();
        long first = randomId();
        long second = randomId();
        DeliveryClaims.Claim held = claimsAt(T0).claim(user, "phone", List.of(first));
        assertThat(held.claimed()).containsExactly(first);

        // Another instance, 10 s later: the first message is its holder's, the second is new.
        DeliveryClaims.Claim meanwhile = claimsAt(T0.plusSeconds(10)).claim(user, "phone", List.of(first, second));
        assertThat(meanwhile.claimed()).containsExactly(second);
        assertThat(meanwhile.busyUntil()).isEqualTo(T0.plus(LEASE));

        // After the lease the holder counts as dead: its claim is taken over, and it cannot extend it.
        DeliveryClaims.Claim later = claimsAt(T0.plus(LEASE)).claim(user, "phone", List.of(first, second));
        assertThat(later.claimed()).containsExactly(first);
        assertThat(later.busyUntil()).isEqualTo(T0.plusSeconds(10).plus(LEASE));
        assertThat(claimsAt(T0.plusSeconds(1)).extend(user, "phone", Set.of(first), held.stamp(), T0.plusSeconds(5)))
                .as("the old holder extending the lease it lost").isNull();
        assertThat(claimsAt(T0.plus(LEASE)).extend(user, "phone", Set.of(first), later.stamp(), T0.plus(LEASE).plusSeconds(5)))
                .isEqualTo(T0.plus(LEASE).plusSeconds(5));

        // Once sent, nobody claims it again, however late.
        claimsAt(T0.plus(LEASE)).markSent(user, "phone", Set.of(first, second), "projects/p/messages/1");
        DeliveryClaims.Claim done = claimsAt(T0.plus(LEASE.multipliedBy(10))).claim(user, "phone", List.of(first, second));
        assertThat(done.claimed()).isEmpty();
        assertThat(done.busyUntil()).isNull();
    }

    @Test
    void concurrentTakeoversOfAStaleClaimHaveExactlyOneWinner() throws Exception {
        long user = randomId();
        long message = randomId();
        assertThat(claimsAt(T0).claim(user, "phone", List.of(message)).claimed()).containsExactly(message);

        Instant afterLease = T0.plus(LEASE).plusSeconds(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<Set<Long>> takeOver = () -> {
                try {
                    return claimsAt(afterLease).claim(user, "phone", List.of(message)).claimed();
                } catch (RuntimeException paxosContention) {
                    return Set.of(); // a timed-out LWT: the Notifier asks again later; here it just did not win
                }
            };
            List<Future<Set<Long>>> results = pool.invokeAll(List.of(takeOver, takeOver, takeOver, takeOver));
            long winners = 0;
            for (Future<Set<Long>> result : results) {
                winners += result.get().size();
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
