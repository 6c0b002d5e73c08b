package io.parley.id;

import java.time.Instant;

/**
 * The three fields packed into a Snowflake id, for logs, docs, tests and the HTTP service's
 * decode endpoint. Layout (most significant first):
 *
 * <pre>
 *  1 bit  | 41 bits                          | 10 bits   | 12 bits
 *  0      | ms since 2026-01-01T00:00:00Z    | worker id | sequence within the ms
 * </pre>
 *
 * Because the timestamp is the most significant field, ids sort by creation time (to the
 * millisecond, and only as well as the issuing nodes' clocks agree).
 *
 * @param id the id itself
 * @param timestamp the millisecond the id was issued in (the generator's logical clock)
 * @param workerId the worker id of the issuing generator, 0..1023
 * @param sequence the position within that millisecond, 0..4095
 */
public record SnowflakeId(long id, Instant timestamp, int workerId, int sequence) {

    /** The custom epoch: timestamp 0. */
    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    static final long EPOCH_MILLIS = EPOCH.toEpochMilli();

    public static final int TIMESTAMP_BITS = 41;
    public static final int WORKER_ID_BITS = 10;
    public static final int SEQUENCE_BITS = 12;

    public static final int MAX_WORKER_ID = (1 << WORKER_ID_BITS) - 1; // 1023
    public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1; // 4095
    public static final long MAX_TIMESTAMP = (1L << TIMESTAMP_BITS) - 1; // ms after EPOCH

    /** The last instant an id can carry: 2^41 - 1 ms after the epoch, in September 2095. */
    public static final Instant LAST_INSTANT = EPOCH.plusMillis(MAX_TIMESTAMP);

    static final int WORKER_ID_SHIFT = SEQUENCE_BITS;
    static final int TIMESTAMP_SHIFT = SEQUENCE_BITS + WORKER_ID_BITS;

    public SnowflakeId {
        if (id < 0) {
            throw new IllegalArgumentException("Snowflake ids are positive: " + id);
        }
    }

    /**
     * The timestamp of an id in epoch milliseconds: {@code decode(id).timestamp().toEpochMilli()}
     * without the allocation, for per-id checks.
     */
    public static long timestampMillis(long id) {
        return EPOCH_MILLIS + (id >>> TIMESTAMP_SHIFT);
    }

    /** Splits an id into its fields. Any non-negative long decodes; it need not have been issued. */
    public static SnowflakeId decode(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("Snowflake ids are positive: " + id);
        }
        long millisSinceEpoch = id >>> TIMESTAMP_SHIFT;
        int workerId = (int) ((id >>> WORKER_ID_SHIFT) & MAX_WORKER_ID);
        int sequence = (int) (id & MAX_SEQUENCE);
        return new SnowflakeId(id, EPOCH.plusMillis(millisSinceEpoch), workerId, sequence);
    }

    /** Packs the fields into an id; the inverse of {@link #decode(long)}. */
    public static long encode(Instant timestamp, int workerId, int sequence) {
        long millisSinceEpoch = timestamp.toEpochMilli() - EPOCH_MILLIS;
        if (millisSinceEpoch < 0 || millisSinceEpoch > MAX_TIMESTAMP) {
            throw new IllegalArgumentException(
                    "timestamp " + timestamp + " is outside " + EPOCH + " .. " + LAST_INSTANT);
        }
        checkWorkerId(workerId);
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence must be 0.." + MAX_SEQUENCE + ": " + sequence);
        }
        return (millisSinceEpoch << TIMESTAMP_SHIFT) | ((long) workerId << WORKER_ID_SHIFT) | sequence;
    }

    static int checkWorkerId(int workerId) {
        if (workerId < 0 || workerId > MAX_WORKER_ID) {
            throw new IllegalArgumentException("worker id must be 0.." + MAX_WORKER_ID + ": " + workerId);
        }
        return workerId;
    }
}
