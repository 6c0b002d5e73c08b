package io.parley.api.conversation;

import java.util.Optional;
import org.springframework.stereotype.Service;

/** Who talks to whom: direct-conversation lookup and the membership check every read needs. */
@Service
public class Conversations {

    private final ConversationRepository repository;

    Conversations(ConversationRepository repository) {
        this.repository = repository;
    }

    /**
     * The 1:1 conversation of two users, if either has ever messaged the other. The pair is
     * stored once, ordered (lower id, higher id), so both sides find the same row.
     */
    Optional<Long> findDirect(long userA, long userB) {
        return repository.findDirect(Math.min(userA, userB), Math.max(userA, userB));
    }

    public boolean isMember(long conversationId, long userId) {
        return repository.isMember(conversationId, userId);
    }

    /** The seqs a user may read in a conversation, inclusive; empty when they may read nothing. */
    public record Readable(long firstSeq, long lastSeq) {
    }

    /**
     * What the user may read: members from the seq they joined at; a member removed from a group
     * up to (and including) the message that removed them, never what was written after.
     */
    public Optional<Readable> readable(long conversationId, long userId) {
        return repository.readable(conversationId, userId);
    }
}
