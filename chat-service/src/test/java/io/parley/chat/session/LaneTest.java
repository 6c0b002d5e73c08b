package io.parley.chat.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaneTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void runsTasksOneAtATimeInSubmissionOrder() throws Exception {
        Lane lane = new Lane(pool);
        List<Integer> seen = new ArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) {
            int n = i;
            assertThat(lane.offer(() -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                seen.add(n); // not thread-safe on purpose: a second concurrent runner would corrupt it
                concurrent.decrementAndGet();
                done.countDown();
            }, Integer.MAX_VALUE)).isTrue();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(seen).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void refusesTasksBeyondTheLimit() {
        Lane lane = new Lane(task -> { }); // never runs anything: everything stays queued
        assertThat(lane.offer(() -> { }, 2)).isTrue();
        assertThat(lane.offer(() -> { }, 2)).isTrue();
        assertThat(lane.offer(() -> { }, 2)).isFalse();
        assertThat(lane.queued()).isEqualTo(2);
    }
}
