package io.parley.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    @Test
    void sendsAreDueAtFixedIntervalsFromTheStart() {
        OpenLoopSchedule s = new OpenLoopSchedule(1000, 5_000, TimeUnit.SECONDS.toNanos(2));
        assertThat(s.total()).isEqualTo(2000);
        assertThat(s.dueNanos(0)).isEqualTo(5_000);
        assertThat(s.dueNanos(1)).isEqualTo(5_000 + 1_000_000);
        assertThat(s.dueNanos(1999)).isEqualTo(5_000 + 1_999_000_000L);
    }

    @Test
    void fractionalRatesDoNotDrift() {
        OpenLoopSchedule s = new OpenLoopSchedule(3, 0, TimeUnit.SECONDS.toNanos(10));
        assertThat(s.total()).isEqualTo(30);
        assertThat(s.dueNanos(3)).isEqualTo(1_000_000_000L);
        assertThat(s.dueNanos(29)).isEqualTo(9_666_666_667L);
        assertThat(new OpenLoopSchedule(0.5, 0, TimeUnit.SECONDS.toNanos(3)).total()).isEqualTo(2);
    }

    @Test
    void lagIsHowLateASendFired() {
        OpenLoopSchedule s = new OpenLoopSchedule(10, 0, TimeUnit.SECONDS.toNanos(1));
        assertThat(s.lagNanos(2, 250_000_000)).isEqualTo(50_000_000);
        assertThat(s.lagNanos(2, 150_000_000)).isZero();
    }

    @Test
    void runFiresEverySendInOrderNeverBeforeItIsDue() {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        OpenLoopSchedule s = new OpenLoopSchedule(200, start, TimeUnit.MILLISECONDS.toNanos(250));
        List<long[]> fired = new ArrayList<>();
        s.run((k, due, now) -> fired.add(new long[] {k, due, now}));

        assertThat(fired).hasSize(50);
        for (int i = 0; i < fired.size(); i++) {
            long[] f = fired.get(i);
            assertThat(f[0]).isEqualTo(i);
            assertThat(f[1]).isEqualTo(s.dueNanos(i));
            assertThat(f[2]).isGreaterThanOrEqualTo(f[1]);
        }
    }

    @Test
    void aSlowSenderDoesNotSkipSendsItFiresThemLate() {
        long start = System.nanoTime();
        OpenLoopSchedule s = new OpenLoopSchedule(1000, start, TimeUnit.MILLISECONDS.toNanos(20));
        List<Long> lags = new ArrayList<>();
        s.run((k, due, now) -> {
            lags.add(now - due);
            if (k == 0) {
                try {
                    Thread.sleep(15); // the open loop does not wait: the next 15 are now overdue
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(lags).hasSize(20);
        assertThat(lags.get(1)).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(10));
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
