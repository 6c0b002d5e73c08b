package io.parley.push.mute;

import io.parley.common.web.ApiException;
import io.parley.push.web.Callers;
import io.parley.push.web.OpenApiConfig;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Muting conversations: stored per user, so every device of the user is silenced alike.
 * Only members may mute; for anyone else the conversation does not exist (404, not 403, so the
 * answer does not reveal that it exists).
 */
@Tag(name = "Mutes", description = "Conversations whose notifications the caller silenced, on all their devices")
@RestController
@RequestMapping("/api/push/mutes")
class MuteController {

    /** Cassandra's TTL limit is 20 years; nobody needs a timed mute longer than this. */
    static final Duration LONGEST_TIMED_MUTE = Duration.ofDays(3650);

    private final MuteRepository mutes;
    private final Clock clock;

    MuteController(MuteRepository mutes, Clock clock) {
        this.mutes = mutes;
        this.clock = clock;
    }

    @Operation(summary = "Mute a conversation",
            description = "`until` in the future and within 10 years, or null to mute until unmuted. Again replaces it.")
    @ApiResponse(responseCode = "200", description = "The mute in force")
    @ApiResponse(responseCode = "400", ref = OpenApiConfig.BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = OpenApiConfig.NOT_FOUND)
    @PutMapping("/{conversationId}")
    MuteResponse mute(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt,
                      @Parameter(description = "Conversation id (decimal)") @PathVariable long conversationId,
                      @RequestBody MuteRequest request) {
        long userId = Callers.userId(jwt);
        Instant now = clock.instant();
        Instant until = request.until();
        if (until != null && !until.isAfter(now)) {
            throw ApiException.badRequest("until", "must be in the future, or null to mute until unmuted");
        }
        if (until != null && until.isAfter(now.plus(LONGEST_TIMED_MUTE))) {
            throw ApiException.badRequest("until", "must be within 10 years; use null to mute until unmuted");
        }
        requireMember(userId, conversationId);
        Mute mute = new Mute(conversationId, until);
        mutes.mute(userId, mute, now);
        return MuteResponse.of(mute);
    }

    @Operation(summary = "Unmute a conversation", description = "Also answers 204 when it was not muted.")
    @ApiResponse(responseCode = "204", description = "Not muted (any more)")
    @ApiResponse(responseCode = "400", ref = OpenApiConfig.BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = OpenApiConfig.NOT_FOUND)
    @DeleteMapping("/{conversationId}")
    ResponseEntity<Void> unmute(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt,
                                @Parameter(description = "Conversation id (decimal)") @PathVariable long conversationId) {
        long userId = Callers.userId(jwt);
        requireMember(userId, conversationId);
        mutes.unmute(userId, conversationId);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Your mutes in force", description = "`until` null = until unmuted; expired mutes are not listed.")
    @ApiResponse(responseCode = "200", description = "The caller's mutes")
    @GetMapping
    List<MuteResponse> list(@Parameter(hidden = true) @AuthenticationPrincipal Jwt jwt) {
        return mutes.mutesOf(Callers.userId(jwt), clock.instant()).stream().map(MuteResponse::of).toList();
    }

    private void requireMember(long userId, long conversationId) {
        if (!mutes.isMember(userId, conversationId)) {
            throw ApiException.notFound("No conversation " + conversationId + " among yours.");
        }
    }
}
