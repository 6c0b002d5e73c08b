package io.parley.api.history;

import io.parley.api.auth.Callers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Conversations")
@RestController
class HistoryController {

    static final int MAX_LIMIT = 200;

    private final HistoryService history;

    HistoryController(HistoryService history) {
        this.history = history;
    }

    @Operation(summary = "Message history",
            description = """
                    Pages through a conversation by seq (its dense, per-conversation order: 1, 2, 3, ...).
                    No cursor: the latest messages, newest first. `before=S`: messages with seq < S, newest \
                    first (scrolling back; continue with `nextBefore`). `after=S`: messages with seq > S, \
                    oldest first (catching up; continue with `nextAfter`). An `after` page stops at the first \
                    seq that is not stored yet, so it never skips a message.""")
    @ApiResponse(responseCode = "200", description = "A page, possibly empty")
    @ApiResponse(responseCode = "400", description = "Bad cursor or limit, or both cursors given")
    @ApiResponse(responseCode = "404", description = "No such conversation, or you are not a member (the API does not say which)")
    @GetMapping("/api/conversations/{conversationId}/messages")
    HistoryPage messages(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(description = "Conversation id (decimal)") @PathVariable long conversationId,
            @Parameter(description = "Return messages with seq < before") @RequestParam(required = false) @Min(1) Long before,
            @Parameter(description = "Return messages with seq > after") @RequestParam(required = false) @Min(0) Long after,
            @Parameter(description = "Page size, 1-200") @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_LIMIT) int limit) {
        return history.page(Callers.userId(token), conversationId, before, after, limit);
    }
}
