package io.parley.chat.sequencing;

import java.util.Collection;
import java.util.Set;

/**
 * What the store knows of sequencing the sequencer's own state cannot answer for: asked only for a
 * conversation the state has never seen and for a retry older than the state remembers, never on
 * the path of an ordinary message.
 */
interface SequenceHistory {

    /**
     * The newest stored seq of a conversation: 0 for a new one; for one sequenced before the
     * sequencer's state existed (an older version of Parley), its last seq.
     */
    long newestSeq(long conversationId);

    /** Whether the message is stored already. */
    boolean isStored(long messageId);

    /** Which of these messages are stored already (asked together, not one after another). */
    Set<Long> storedAmong(Collection<Long> messageIds);
}
