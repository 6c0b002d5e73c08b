package io.parley.id;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/** A clock tests move by hand (forwards or backwards); optionally reacting to each read. Public for the lease tests. */
public final class MutableClock extends Clock {

    private final AtomicLong millis;
    private final AtomicLong reads = new AtomicLong();
    private final LongUnaryOperator onRead;

    public MutableClock(Instant start) {
        this(start, read -> -1);
    }

    /**
     * @param onRead given the 1-based number of the read, returns a new time in epoch millis to
     *        switch to before answering, or -1 to keep the current time
     */
    public MutableClock(Instant start, LongUnaryOperator onRead) {
        this.millis = new AtomicLong(start.toEpochMilli());
        this.onRead = onRead;
    }

    public void set(Instant instant) {
        millis.set(instant.toEpochMilli());
    }

    public void advanceMillis(long delta) {
        millis.addAndGet(delta);
    }

    public long reads() {
        return reads.get();
    }

    @Override
    public long millis() {
        long switchTo = onRead.applyAsLong(reads.incrementAndGet());
        if (switchTo >= 0) {
            millis.set(switchTo);
        }
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
