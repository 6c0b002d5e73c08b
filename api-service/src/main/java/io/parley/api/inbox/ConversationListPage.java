package io.parley.api.inbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.parley.common.protocol.ServerFrame.SystemPayload;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(name = "ConversationList", description = "One page of the caller's conversations, newest activity first")
record ConversationListPage(
        List<Summary> conversations,
        @Schema(description = "Pass as `cursor` for the next page; null on the last page", nullable = true,
                example = "YzE6MTcwMDAwMDAwMDAwMDo3MjkwMzQwOTgyMTQ1MDI0Nzc3")
        String nextCursor) {

    @Schema(name = "ConversationSummary", description = "A conversation as it appears in the caller's list")
    record Summary(
            @Schema(description = "Conversation id (decimal string)", example = "7290340982145024777") String conversationId,
            @Schema(description = "`direct` (1:1) or `group`", allowableValues = {"direct", "group"}) String kind,
            @Schema(description = "The group's name; null for 1:1 conversations and for groups you were removed from "
                    + "(its name may have changed since)", nullable = true) String name,
            @Schema(description = "The other user of a 1:1 conversation; null for groups", nullable = true) Peer peer,
            @Schema(description = "You were removed from this group (or left it): it is shown as it was at that message")
            boolean removed,
            @Schema(description = "Seq of the newest message you may see; 0 when there is none") long lastSeq,
            @Schema(description = "The list's sort key (epoch ms): the newest visible message's time, or when you "
                    + "joined if there is none") long lastActivityAt,
            @Schema(description = "Your read mark: you have read up to this seq (0: nothing)") long readSeq,
            @Schema(description = "Messages after your read mark up to lastSeq, never counting those from before you joined")
            long unreadCount,
            @Schema(description = "The message at lastSeq; null when there is none", nullable = true) MessagePreview lastMessage) {
    }

    @Schema(name = "ConversationPeer", description = "The other user of a 1:1 conversation")
    record Peer(@Schema(description = "User id (decimal string)") String userId,
                @Schema(nullable = true) String displayName) {
    }

    @Schema(name = "MessagePreview", description = "A message shortened for display in a list")
    record MessagePreview(
            String messageId,
            long seq,
            String senderId,
            @Schema(description = "`text` or `system` (a group change, see `system`)") String kind,
            @Schema(description = "The text, cut to the preview length (100 code points by default); null for system messages",
                    nullable = true) String text,
            @Schema(description = "The text was cut") boolean textTruncated,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "What a system message says happened (as in the WebSocket `message` frame)", nullable = true)
            SystemPayload system,
            @Schema(description = "Epoch ms, the accepting chat node's clock; for display only") long sentAt) {
    }
}
