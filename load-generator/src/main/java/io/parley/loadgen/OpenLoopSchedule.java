package io.parley.loadgen;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate, open-loop schedule: send number {@code k} (0, 1, 2, ...) is due at
 * {@code start + k / rate}, whatever happened to the sends before it. Nothing here waits for an
 * answer; if the thread that fires the sends cannot keep up, the sends are fired late (as soon as
 * possible, in order, none skipped) and {@link #lagNanos} says by how much, so a run can report
 * that the generator, not the system, fell behind.
 */
final class OpenLoopSchedule {

    private final long startNanos;
    private final double nanosPerSend;
    private final long total;

    /**
     * @param rate       sends per second, all senders together
     * @param startNanos {@link System#nanoTime()} at which send 0 is due
     * @param durationNanos the schedule's length: sends due in {@code [start, start + duration)}
     */
    OpenLoopSchedule(double rate, long startNanos, long durationNanos) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.startNanos = startNanos;
        this.nanosPerSend = 1e9 / rate;
        this.total = (long) Math.ceil(durationNanos / nanosPerSend - 1e-9);
    }

    /** How many sends the whole schedule holds. */
    long total() {
        return total;
    }

    /** When send {@code k} is due. */
    long dueNanos(long k) {
        return startNanos + Math.round(k * nanosPerSend);
    }

    long startNanos() {
        return startNanos;
    }

    /** How late send {@code k} is when fired at {@code nowNanos} (0 when on time or early). */
    long lagNanos(long k, long nowNanos) {
        return Math.max(0, nowNanos - dueNanos(k));
    }

    /** What fires the sends. */
    interface Sender {
        /**
         * Fire send {@code k}, due at {@code dueNanos}, now {@code nowNanos}. Must not block: the
         * schedule's thread fires every send.
         */
        void fire(long k, long dueNanos, long nowNanos);
    }

    /**
     * Fires every send of the schedule on the calling thread, each at its due time or as soon as
     * possible after it. Returns when the last one was fired, or early when interrupted (then the
     * interrupt flag is set again).
     */
    void run(Sender sender) {
        for (long k = 0; k < total; k++) {
            long due = dueNanos(k);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return;
                }
                now = System.nanoTime();
            }
            sender.fire(k, due, now);
        }
    }
}
