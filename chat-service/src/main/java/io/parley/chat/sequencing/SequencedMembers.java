package io.parley.chat.sequencing;

import io.parley.chat.conversation.Conversations;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The members of the conversations this node sequences, as of the newest seq it sequenced.
 *
 * <p>Members change only at a seq: after a conversation exists (its first members are written
 * before its first message is published), only the sequencer changes them, by applying the system
 * message of that seq. So while this node holds a conversation's partition, the set it read once
 * stays right until it applies a change itself, and it re-reads then. When partitions move (a
 * rebalance), everything is dropped: another node may have applied changes meanwhile. This saves
 * the uncached member read per message that the fan-out used to pay.
 */
@Component
class SequencedMembers {

    /** Bounds memory on a node that sequences very many conversations; a dropped entry is re-read. */
    static final int MAX_CONVERSATIONS = 100_000;

    private final Conversations conversations;
    private final ConcurrentHashMap<Long, Set<Long>> members = new ConcurrentHashMap<>();

    SequencedMembers(Conversations conversations) {
        this.conversations = conversations;
    }

    Set<Long> of(long conversationId) {
        Set<Long> known = members.get(conversationId);
        if (known != null) {
            return known;
        }
        Set<Long> read = conversations.currentMembers(conversationId);
        if (!read.isEmpty()) {
            if (members.size() >= MAX_CONVERSATIONS) {
                members.clear();
            }
            members.put(conversationId, read);
        }
        return read;
    }

    /** The conversation's members just changed (a system message was applied). */
    void changed(long conversationId) {
        members.remove(conversationId);
    }

    /** Partitions moved: what another node applied meanwhile is unknown here. */
    void forgetAll() {
        members.clear();
    }
}
