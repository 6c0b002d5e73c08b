package io.parley.api.history;

import io.parley.common.protocol.ServerFrame.WireMessage;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Component;

/**
 * Single messages by seq, for features that show one message (the conversation list's preview,
 * receipts of a message). Callers decide who may see which seqs; this only reads the store.
 */
@Component
public class MessageLookup {

    private final MessageRepository messages;

    MessageLookup(MessageRepository messages) {
        this.messages = messages;
    }

    /** The stored message at {@code seq} (≥ 1), read without blocking; empty if not stored (yet). */
    public CompletionStage<Optional<WireMessage>> find(long conversationId, long seq) {
        return messages.findAsync(conversationId, seq);
    }
}
