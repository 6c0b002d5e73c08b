package io.parley.api.history;

import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.List;

/** Single-partition reads of the message store; {@link HistoryPager} decides which to make. */
interface MessageReader {

    /** The highest seq claimed in the conversation (its message may still be in flight); 0 if none. */
    long highestSeq(long conversationId);

    /** Up to {@code limit} messages of one bucket with seq &lt; {@code beforeSeq}, newest first. */
    List<WireMessage> olderThan(long conversationId, long bucket, long beforeSeq, int limit);

    /** Up to {@code limit} messages of one bucket with seq &gt; {@code afterSeq}, oldest first. */
    List<WireMessage> newerThan(long conversationId, long bucket, long afterSeq, int limit);
}
