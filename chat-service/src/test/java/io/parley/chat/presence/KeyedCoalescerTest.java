package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class KeyedCoalescerTest {

    /** Runs submitted tasks only when told to, so interleavings are explicit. */
    private static final class ManualPool implements Executor {
        final Queue<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runNext() {
            queued.remove().run();
        }
    }

    @Test
    void signalsWhileQueuedAreFoldedIntoOneRun() {
        ManualPool pool = new ManualPool();
        List<Long> runs = new ArrayList<>();
        KeyedCoalescer<Long> coalescer = new KeyedCoalescer<>(pool, runs::add);

        coalescer.signal(7L);
        coalescer.signal(7L);
        coalescer.signal(7L);

        assertThat(pool.queued).hasSize(1);
        pool.runNext();
        assertThat(runs).containsExactly(7L);
        assertThat(pool.queued).isEmpty();
        assertThat(coalescer.busy()).isZero();
    }

    @Test
    void aSignalDuringARunCausesExactlyOneMoreRunAfterIt() {
        ManualPool pool = new ManualPool();
        List<String> events = new ArrayList<>();
        KeyedCoalescer<Long>[] self = new KeyedCoalescer[1];
        self[0] = new KeyedCoalescer<>(pool, key -> {
            events.add("run " + key);
            if (events.size() == 1) {
                // New state arrives while the first run works: it must not be lost, nor run in parallel.
                self[0].signal(key);
                self[0].signal(key);
                assertThat(pool.queued).isEmpty();
            }
        });

        self[0].signal(1L);
        pool.runNext();
        assertThat(pool.queued).hasSize(1);
        pool.runNext();

        assertThat(events).containsExactly("run 1", "run 1");
        assertThat(self[0].busy()).isZero();
    }

    @Test
    void differentKeysRunIndependentlyAndAFailureDoesNotWedgeTheKey() {
        ManualPool pool = new ManualPool();
        List<Long> runs = new ArrayList<>();
        KeyedCoalescer<Long> coalescer = new KeyedCoalescer<>(pool, key -> {
            runs.add(key);
            if (key == 2L && runs.size() < 3) {
                throw new IllegalStateException("store down");
            }
        });

        coalescer.signal(1L);
        coalescer.signal(2L);
        assertThat(pool.queued).hasSize(2);
        pool.runNext();
        pool.runNext();
        coalescer.signal(2L);
        pool.runNext();

        assertThat(runs).containsExactly(1L, 2L, 2L);
        assertThat(coalescer.busy()).isZero();
    }
}
