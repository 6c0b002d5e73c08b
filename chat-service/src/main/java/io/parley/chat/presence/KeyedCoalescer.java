package io.parley.chat.presence;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work for a key one run at a time and folds signals together: a signal while a run for the
 * key is queued is absorbed by it (the run reads the latest state), and a signal during a run makes
 * exactly one more run follow. So a user who connects, drops and reconnects ten times during a
 * storm costs at most two runs, and the runs of one user never overlap (their writes stay ordered),
 * while different users' runs proceed in parallel on the pool.
 */
final class KeyedCoalescer<K> {

    private static final Logger log = LoggerFactory.getLogger(KeyedCoalescer.class);

    private enum State { QUEUED, RUNNING, RUNNING_AGAIN }

    private final ConcurrentHashMap<K, State> states = new ConcurrentHashMap<>();
    private final Executor pool;
    private final Consumer<K> work;

    KeyedCoalescer(Executor pool, Consumer<K> work) {
        this.pool = pool;
        this.work = work;
    }

    /** Asks for a run for the key that starts after this call. */
    void signal(K key) {
        boolean[] submit = {false};
        states.compute(key, (k, state) -> {
            if (state == null) {
                submit[0] = true;
                return State.QUEUED;
            }
            return state == State.RUNNING ? State.RUNNING_AGAIN : state;
        });
        if (submit[0]) {
            pool.execute(() -> run(key));
        }
    }

    /** Keys with a run queued or in progress (for tests and metrics). */
    int busy() {
        return states.size();
    }

    private void run(K key) {
        states.put(key, State.RUNNING);
        try {
            work.accept(key);
        } catch (RuntimeException e) {
            log.warn("presence work for {} failed: {}", key, e.toString());
        } finally {
            State after = states.compute(key, (k, state) -> state == State.RUNNING_AGAIN ? State.QUEUED : null);
            if (after == State.QUEUED) {
                pool.execute(() -> run(key));
            }
        }
    }
}
