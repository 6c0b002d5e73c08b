package io.parley.api.history;

import io.parley.common.protocol.ServerFrame.WireMessage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * One page of a conversation's history. Cursors are seqs, which only ever grow, so a cursor
 * means the same thing however many messages arrive between two calls.
 */
@Schema(name = "MessagePage")
record HistoryPage(
        @Schema(description = "Newest first for latest/`before` pages; oldest first for `after` pages. "
                + "Same shape as the WebSocket `message` frame's payload.")
        List<WireMessage> messages,
        @Schema(description = "Pass as `before` to get the next older page; null when there is nothing older",
                nullable = true, example = "4051")
        Long nextBefore,
        @Schema(description = "Pass as `after` to continue catching up; null when this page reaches the newest stored message",
                nullable = true)
        Long nextAfter) {
}
