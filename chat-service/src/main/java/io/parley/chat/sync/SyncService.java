package io.parley.chat.sync;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.chat.store.MessageStore;
import io.parley.common.events.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * What a device missed (docs/design.md, "Sync"): for every conversation of the user, the persisted
 * messages after the device's cursor, in seq order, at most {@code limit} per call.
 *
 * <p>Only {@code user_conversations} decides which conversations are read, so a cursor for a
 * conversation the user does not belong to is ignored, never answered. Reads stop at the first seq
 * that is sequenced but not yet persisted (see {@link MessageStore#readAfter}); because the session
 * is registered in the session directory before it may sync and the sequencer persists before it
 * routes (and waits for the directory to be current), such a message reaches the device live instead.
 */
@Service
public class SyncService {

    private final CqlSession session;
    private final MessageStore store;
    private final PreparedStatement selectConversations;

    SyncService(CqlSession session, MessageStore store) {
        this.session = session;
        this.store = store;
        this.selectConversations = session.prepare(
                "SELECT conversation_id, joined_at_seq, removed_at_seq FROM user_conversations WHERE user_id = ?");
    }

    /**
     * @param userId  the authenticated user
     * @param cursors conversation id to the highest seq the device holds there; an absent
     *                conversation is read from its first message
     * @param limit   most messages in the answer, at least 1 (the caller caps it)
     */
    public SyncPage sync(long userId, Map<Long, Long> cursors, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        List<StoredMessage> messages = new ArrayList<>();
        int remaining = limit;
        // Clustering order: ascending conversation id, the order the answer is grouped in.
        for (Row row : session.execute(selectConversations.bind(userId))) {
            long conversationId = row.getLong("conversation_id");
            Long cursor = cursors.get(conversationId);
            // A group member reads from the seq that made them a member, and a removed member up to
            // the seq that removed them (that system message included) and never past it.
            long from = Math.max(cursor == null ? 0 : cursor,
                    row.isNull("joined_at_seq") ? 0 : row.getLong("joined_at_seq") - 1);
            long to = row.isNull("removed_at_seq") ? Long.MAX_VALUE : row.getLong("removed_at_seq");
            if (from >= to) {
                continue;
            }
            // One message more than fits tells us, without another query, whether anything is left
            // out; with nothing left to fill this doubles as the check for `more`.
            List<StoredMessage> page = store.readAfter(conversationId, from, to, remaining + 1);
            if (page.size() > remaining) {
                messages.addAll(page.subList(0, remaining));
                return new SyncPage(messages, true);
            }
            messages.addAll(page);
            remaining -= page.size();
        }
        return new SyncPage(messages, false);
    }
}
