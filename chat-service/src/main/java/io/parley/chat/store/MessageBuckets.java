package io.parley.chat.store;

/**
 * Seq to partition arithmetic of the {@code messages} table: bucket {@code b} of a conversation
 * holds seqs {@code b * 4096 + 1 … (b + 1) * 4096}. Partitions are bounded by message count, not by
 * time, so locating any seq needs neither a lookup nor a clock.
 */
public final class MessageBuckets {

    /** Seqs per {@code messages} partition; fixed by schema v1 (changing it re-partitions every conversation). */
    public static final long BUCKET_SIZE = 4096;

    private MessageBuckets() {
    }

    /** The bucket of a seq (seqs start at 1). */
    public static long bucketOf(long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("seqs start at 1, was " + seq);
        }
        return (seq - 1) / BUCKET_SIZE;
    }

    /** The highest seq a bucket can hold: reading past it means moving to the next partition. */
    public static long lastSeqOf(long bucket) {
        if (bucket < 0) {
            throw new IllegalArgumentException("buckets start at 0, was " + bucket);
        }
        return (bucket + 1) * BUCKET_SIZE;
    }
}
