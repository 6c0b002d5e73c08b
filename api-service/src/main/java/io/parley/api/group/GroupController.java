package io.parley.api.group;

import io.parley.api.auth.Callers;
import io.parley.api.idempotency.IdempotentRequests;
import io.parley.api.idempotency.IdempotentRequests.Request;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import jakarta.servlet.http.HttpServletRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Group conversations. Changes answer 200 with the group once the chat tier has applied them
 * (normally milliseconds), or 202 with the group as it was if that takes longer than
 * {@code parley.groups.apply-wait}: the change is recorded (Kafka acknowledged it) and will apply.
 * Every change takes an optional {@code Idempotency-Key}, so a client may retry it safely
 * ({@link IdempotentRequests}).
 */
@Tag(name = "Groups", description = "Group conversations: create, rename, members and roles")
@RestController
@RequestMapping("/api/groups")
class GroupController {

    private final GroupService groups;
    private final IdempotentRequests idempotency;

    GroupController(GroupService groups, IdempotentRequests idempotency) {
        this.groups = groups;
        this.idempotency = idempotency;
    }

    @Operation(summary = "Create a group", description = "You become its owner. Its first message (seq 1) is the "
            + "system message group_created.")
    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "400", description = "Bad name, a member id that is not a user, or too many members")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @PostMapping
    ResponseEntity<GroupResponse> create(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @RequestBody GroupRequests.Create request) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, request), GroupResponse.class, groupId -> {
            GroupResponse group = groups.create(caller, request, groupId);
            return ResponseEntity.created(URI.create("/api/groups/" + group.conversationId())).body(group);
        });
    }

    @Operation(summary = "A group you belong to")
    @ApiResponse(responseCode = "200", description = "The group: name, your role, members")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @GetMapping("/{conversationId}")
    GroupResponse get(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token, @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId) {
        return groups.get(Callers.userId(token), conversationId);
    }

    @Operation(summary = "Rename a group (owner, admin)")
    @ApiResponse(responseCode = "200", description = "Applied: the group as it is now")
    @ApiResponse(responseCode = "202", description = "Recorded, not yet applied: the group as it was")
    @ApiResponse(responseCode = "400", description = "Name empty or longer than 100 characters")
    @ApiResponse(responseCode = "403", description = "You are a member without the right")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @PatchMapping("/{conversationId}")
    ResponseEntity<GroupResponse> rename(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId, @RequestBody GroupRequests.Rename request) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, request), GroupResponse.class,
                operationId -> answer(groups.rename(caller, conversationId, request, operationId)));
    }

    @Operation(summary = "Add members (owner, admin)")
    @ApiResponse(responseCode = "200", description = "Applied: the group as it is now")
    @ApiResponse(responseCode = "202", description = "Recorded, not yet applied: the group as it was")
    @ApiResponse(responseCode = "400", description = "An id that is not a user or is already a member, or the group would pass its member limit")
    @ApiResponse(responseCode = "403", description = "You are a member without the right")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @PostMapping("/{conversationId}/members")
    ResponseEntity<GroupResponse> add(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId, @RequestBody GroupRequests.AddMembers request) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, request), GroupResponse.class,
                operationId -> answer(groups.addMembers(caller, conversationId, request, operationId)));
    }

    @Operation(summary = "Remove a member (owner: anyone but themselves; admin: plain members)")
    @ApiResponse(responseCode = "200", description = "Applied: the group as it is now")
    @ApiResponse(responseCode = "202", description = "Recorded, not yet applied: the group as it was")
    @ApiResponse(responseCode = "400", description = "Not a member, or yourself (use leave)")
    @ApiResponse(responseCode = "403", description = "You are a member without the right")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @DeleteMapping("/{conversationId}/members/{userId}")
    ResponseEntity<GroupResponse> remove(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId, @Parameter(description = "The member's user id (decimal)") @PathVariable long userId) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, null), GroupResponse.class,
                operationId -> answer(groups.removeMember(caller, conversationId, userId, operationId)));
    }

    @Operation(summary = "Change a member's role (owner only)",
            description = "`admin` or `member`; `owner` transfers ownership and makes you an admin.")
    @ApiResponse(responseCode = "200", description = "Applied: the group as it is now")
    @ApiResponse(responseCode = "202", description = "Recorded, not yet applied: the group as it was")
    @ApiResponse(responseCode = "400", description = "Unknown role, not a member, or yourself")
    @ApiResponse(responseCode = "403", description = "You are a member without the right")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @PutMapping("/{conversationId}/members/{userId}/role")
    ResponseEntity<GroupResponse> changeRole(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId, @Parameter(description = "The member's user id (decimal)") @PathVariable long userId, @RequestBody GroupRequests.ChangeRole request) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, request), GroupResponse.class,
                operationId -> answer(groups.changeRole(caller, conversationId, userId, request, operationId)));
    }

    @Operation(summary = "Leave a group", description = "An owner hands the group to the longest standing admin, "
            + "else the longest standing member. 204 once applied, 202 if still being applied.")
    @ApiResponse(responseCode = "204", description = "Applied: you are no longer a member")
    @ApiResponse(responseCode = "202", description = "Recorded, not yet applied")
    @ApiResponse(responseCode = "400", description = "Invalid Idempotency-Key")
    @ApiResponse(responseCode = "404", description = "No such group, or you are not a member (the API does not say which)")
    @ApiResponse(responseCode = "503", description = "Not recorded (Kafka or Cassandra unavailable): nothing changed, retry")
    @ApiResponse(responseCode = "409", description = "A request with this Idempotency-Key is still in progress: retry shortly")
    @ApiResponse(responseCode = "422", description = "This Idempotency-Key was already used for another request")
    @PostMapping("/{conversationId}/leave")
    ResponseEntity<Void> leave(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Parameter(name = IdempotentRequests.HEADER, in = ParameterIn.HEADER, description = IdempotentRequests.HEADER_DESCRIPTION)
            @RequestHeader(name = IdempotentRequests.HEADER, required = false) String key, @Parameter(hidden = true) HttpServletRequest http,
            @Parameter(description = "The group's conversation id (decimal)") @PathVariable long conversationId) {
        long caller = Callers.userId(token);
        return idempotency.execute(Request.of(caller, key, http, null), Void.class, operationId -> {
            GroupService.Change change = groups.leave(caller, conversationId, operationId);
            return ResponseEntity.status(change.applied() ? HttpStatus.NO_CONTENT : HttpStatus.ACCEPTED).build();
        });
    }

    private static ResponseEntity<GroupResponse> answer(GroupService.Change change) {
        return ResponseEntity.status(change.applied() ? HttpStatus.OK : HttpStatus.ACCEPTED).body(change.group());
    }
}
