package io.parley.api.inbox;

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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Conversations")
@RestController
class ConversationListController {

    static final int MAX_LIMIT = 100;

    private final ConversationListService conversations;

    ConversationListController(ConversationListService conversations) {
        this.conversations = conversations;
    }

    @Operation(summary = "Your conversations, newest activity first",
            description = """
                    Every 1:1 and group conversation you are in (or were removed from: shown as it was at the \
                    removal, `removed: true`), sorted by the time of the newest message you may see (a \
                    conversation without messages by when you joined), equal times by conversation id, higher \
                    first. Each row has the group's name or the other user, the last message (text cut to 100 \
                    code points), your read mark and the number of unread messages. Page with `nextCursor`; \
                    a conversation that gets a message while you page moves to the top, where the first page \
                    shows it (new messages also arrive on the WebSocket).""")
    @ApiResponse(responseCode = "200", description = "A page, possibly empty")
    @ApiResponse(responseCode = "400", description = "`limit` not 1-100, or `cursor` not one this endpoint gave")
    @GetMapping("/api/conversations")
    ConversationListPage list(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(description = "Page size, 1-100") @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_LIMIT) int limit,
            @Parameter(description = "`nextCursor` of the previous page; absent for the first page")
            @RequestParam(required = false) String cursor) {
        return conversations.page(Callers.userId(token), limit, cursor);
    }
}
