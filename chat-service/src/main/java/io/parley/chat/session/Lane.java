package io.parley.chat.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's tasks one at a time, in submission order, on a pool shared by all sessions.
 * This keeps a session's answers in the order of its frames (acks come back in send order)
 * while blocking work (Cassandra, Kafka acks) stays off the WebSocket container threads, and a
 * busy session takes at most one pool thread.
 */
final class Lane {

    private static final Logger log = LoggerFactory.getLogger(Lane.class);
    /** Tasks run per turn before the lane yields its thread to other sessions. */
    private static final int BATCH = 16;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Lane(Executor pool) {
        this.pool = pool;
    }

    /** Queues a task unless {@code limit} tasks are already waiting; false when refused. */
    boolean offer(Runnable task, int limit) {
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            return false;
        }
        tasks.add(task);
        schedule();
        return true;
    }

    int queued() {
        return queued.get();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::runBatch);
        }
    }

    private void runBatch() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                queued.decrementAndGet();
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("session task failed", e);
                }
            }
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty()) {
                schedule();
            }
        }
    }
}
