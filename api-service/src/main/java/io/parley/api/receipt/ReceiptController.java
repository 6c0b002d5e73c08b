package io.parley.api.receipt;

import io.parley.api.auth.Callers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Conversations")
@RestController
class ReceiptController {

    private final ReceiptService receipts;

    ReceiptController(ReceiptService receipts) {
        this.receipts = receipts;
    }

    @Operation(summary = "Delivered and read marks of a conversation's members",
            description = """
                    Every current member's marks: received up to `deliveredSeq`, read up to `readSeq` (devices \
                    report them with the WebSocket `receipt` frame). With `seq`: also how many of the members \
                    who can see that message (not its sender, not members who joined after it) have received \
                    and read it. For current members only. A deployment with receipts switched off \
                    (`parley.receipts.enabled=false`) answers only your own marks and no counts.""")
    @ApiResponse(responseCode = "200", description = "The marks")
    @ApiResponse(responseCode = "400", description = "`seq` is not a positive number")
    @ApiResponse(responseCode = "404", description = "No such conversation, you are not a member (the API does not say "
            + "which), or no message `seq` that you may see")
    @GetMapping("/api/conversations/{conversationId}/receipts")
    ReceiptsResponse receipts(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(description = "Conversation id (decimal)") @PathVariable long conversationId,
            @Parameter(description = "A message's seq: also count who received and read it")
            @RequestParam(required = false) @Min(1) Long seq) {
        return receipts.receipts(Callers.userId(token), conversationId, seq);
    }
}
