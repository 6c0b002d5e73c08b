package io.parley.api.history;

import io.parley.api.conversation.Conversations;
import io.parley.common.web.ApiException;
import org.springframework.stereotype.Service;

/** Message history for members. */
@Service
class HistoryService {

    private final Conversations conversations;
    private final MessageReader messages;
    private final HistoryPager pager;

    HistoryService(Conversations conversations, MessageReader messages) {
        this.conversations = conversations;
        this.messages = messages;
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
        Conversations.Readable readable = conversations.readable(conversationId, callerId)
                .orElseThrow(() -> ApiException.notFound("Conversation " + conversationId + " not found."));
        HistoryPager pager = readable.firstSeq() <= 1 && readable.lastSeq() == Long.MAX_VALUE
                ? this.pager
                : new HistoryPager(new ClippedReader(messages, readable.firstSeq(), readable.lastSeq()));
        if (after != null) {
            return pager.after(conversationId, Math.max(after, readable.firstSeq() - 1), limit);
        }
        HistoryPage page = before != null ? pager.before(conversationId, before, limit) : pager.latest(conversationId, limit);
        if (page.nextBefore() != null && page.nextBefore() <= readable.firstSeq()) {
            return new HistoryPage(page.messages(), null, null); // nothing older may be read
        }
        return page;
    }
}
