package io.parley.api.history;

/**
 * The message store's partitioning: a conversation's messages live in partitions of 4096
 * consecutive seqs, {@code bucket = (seq - 1) / 4096}, so seq 1..4096 is bucket 0 and 4097 starts
 * bucket 1. Must match the writer (chat-service's sequencer) and the schema comment.
 */
final class MessageBuckets {

    static final long SIZE = 4096;

    private MessageBuckets() {
    }

    static long of(long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("seqs start at 1: " + seq);
        }
        return (seq - 1) / SIZE;
    }
}
