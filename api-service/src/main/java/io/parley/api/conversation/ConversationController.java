package io.parley.api.conversation;

import io.parley.api.auth.Callers;
import io.parley.common.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Conversations")
@RestController
@RequestMapping("/api/conversations")
class ConversationController {

    private final Conversations conversations;

    ConversationController(Conversations conversations) {
        this.conversations = conversations;
    }

    @Operation(summary = "Find your 1:1 conversation with a user",
            description = "Conversations are created by the chat service when the first message is sent "
                    + "(send with `to` = the user id); until then this answers 404.")
    @ApiResponse(responseCode = "200", description = "The conversation exists")
    @ApiResponse(responseCode = "404", description = "You have no 1:1 conversation with this user yet")
    @GetMapping("/direct/{userId}")
    DirectConversationResponse direct(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(description = "The other user's id (decimal)") @PathVariable long userId) {
        return conversations.findDirect(Callers.userId(token), userId)
                .map(id -> new DirectConversationResponse(Long.toString(id)))
                .orElseThrow(() -> ApiException.notFound("You have no conversation with user " + userId + " yet."));
    }
}
