package io.parley.chat.sync;

import io.parley.common.events.StoredMessage;
import java.util.List;

/**
 * One answer to a sync: messages grouped by conversation (ascending conversation id), ascending by
 * seq within each. {@code more} is true when the limit left something out; the device then syncs
 * again with cursors advanced to the last seq it got per conversation.
 */
public record SyncPage(List<StoredMessage> messages, boolean more) {

    public SyncPage {
        messages = List.copyOf(messages);
    }
}
