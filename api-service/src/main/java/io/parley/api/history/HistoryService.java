package io.parley.api.history;

import io.parley.api.conversation.Conversations;
import io.parley.api.web.ApiException;
import org.springframework.stereotype.Service;

/** Message history for members. */
@Service
class HistoryService {

    private final Conversations conversations;
    private final HistoryPager pager;

    HistoryService(Conversations conversations, MessageReader messages) {
        this.conversations = conversations;
        this.pager = new HistoryPager(messages);
    }

    /**
     * A page of the conversation's history, if the caller is a member.
     *
     * <p>A non-member gets the same 404 as for a conversation that does not exist (not 403):
     * conversation ids are guessable-ish (Snowflake), and a 403 would confirm that one exists.
     */
    HistoryPage page(long callerId, long conversationId, Long before, Long after, int limit) {
        if (before != null && after != null) {
            throw ApiException.badRequest("after", "use either 'before' or 'after', not both");
        }
        if (!conversations.isMember(conversationId, callerId)) {
            throw ApiException.notFound("Conversation " + conversationId + " not found.");
        }
        if (after != null) {
            return pager.after(conversationId, after, limit);
        }
        if (before != null) {
            return pager.before(conversationId, before, limit);
        }
        return pager.latest(conversationId, limit);
    }
}
