package io.parley.api.history;

import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.List;

/**
 * A {@link MessageReader} that sees only seqs {@code firstSeq..lastSeq}: what a group member who
 * joined late, or was removed, may read. The pager then pages as if the conversation began at
 * {@code firstSeq} and ended at {@code lastSeq}.
 */
final class ClippedReader implements MessageReader {

    private final MessageReader reader;
    private final long firstSeq;
    private final long lastSeq;

    ClippedReader(MessageReader reader, long firstSeq, long lastSeq) {
        this.reader = reader;
        this.firstSeq = firstSeq;
        this.lastSeq = lastSeq;
    }

    @Override
    public long highestSeq(long conversationId) {
        return Math.min(reader.highestSeq(conversationId), lastSeq);
    }

    @Override
    public List<WireMessage> olderThan(long conversationId, long bucket, long beforeSeq, int limit) {
        if (MessageBuckets.of(firstSeq) > bucket) {
            return List.of(); // the whole bucket is before the reader joined: don't query it
        }
        return reader.olderThan(conversationId, bucket, lastSeq == Long.MAX_VALUE ? beforeSeq : Math.min(beforeSeq, lastSeq + 1), limit).stream()
                .filter(m -> m.seq() >= firstSeq)
                .toList();
    }

    @Override
    public List<WireMessage> newerThan(long conversationId, long bucket, long afterSeq, int limit) {
        return reader.newerThan(conversationId, bucket, Math.max(afterSeq, firstSeq - 1), limit).stream()
                .filter(m -> m.seq() <= lastSeq)
                .toList();
    }
}
