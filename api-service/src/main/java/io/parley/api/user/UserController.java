package io.parley.api.user;

import io.parley.api.auth.Callers;
import io.parley.api.ratelimit.AuthRateLimits;
import io.parley.api.ratelimit.ClientAddresses;
import io.parley.common.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Users", description = "Sign-up, profiles and lookup")
@RestController
@RequestMapping("/api/users")
class UserController {

    private final UserService users;
    private final AuthRateLimits limits;
    private final ClientAddresses clientAddresses;

    UserController(UserService users, AuthRateLimits limits, ClientAddresses clientAddresses) {
        this.users = users;
        this.limits = limits;
        this.clientAddresses = clientAddresses;
    }

    @Operation(summary = "Sign up", description = "Creates an account. No token needed. Then log in with POST /api/auth/login.")
    @ApiResponse(responseCode = "201", description = "Created; Location names the new user")
    @ApiResponse(responseCode = "400", description = "A field is invalid; `errors` names it")
    @ApiResponse(responseCode = "409", description = "The username is taken")
    @ApiResponse(responseCode = "429", description = "Too many sign-ups from this address; Retry-After says when to try again")
    @SecurityRequirements
    @PostMapping
    ResponseEntity<UserResponse> signUp(@Valid @RequestBody SignUpRequest request, HttpServletRequest http) {
        limits.checkSignUp(clientAddresses.of(http)); // before the password is hashed
        User user = users.signUp(request);
        return ResponseEntity.created(URI.create("/api/users/" + user.id())).body(UserResponse.of(user));
    }

    @Operation(summary = "Your own profile")
    @GetMapping("/me")
    UserResponse me(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token) {
        return UserResponse.of(existing(Callers.userId(token)));
    }

    @Operation(summary = "Change your display name")
    @ApiResponse(responseCode = "200", description = "The updated profile")
    @ApiResponse(responseCode = "400", description = "The display name is invalid")
    @PatchMapping("/me")
    UserResponse updateMe(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody UpdateProfileRequest request) {
        return UserResponse.of(users.updateDisplayName(Callers.userId(token), request.displayName()));
    }

    @Operation(summary = "A user by id")
    @ApiResponse(responseCode = "404", description = "No such user")
    @GetMapping("/{id}")
    UserResponse byId(@Parameter(description = "User id (decimal)") @PathVariable long id) {
        return UserResponse.of(existing(id));
    }

    @Operation(summary = "Find a user by username", description = "Exact, case-insensitive match.")
    @ApiResponse(responseCode = "404", description = "No user has this username")
    @GetMapping
    UserResponse byUsername(@Parameter(example = "alice") @RequestParam String username) {
        return users.findByUsername(username).map(UserResponse::of)
                .orElseThrow(() -> ApiException.notFound("No user has the username '" + username + "'."));
    }

    private User existing(long id) {
        return users.findById(id).orElseThrow(() -> ApiException.notFound("User " + id + " does not exist."));
    }
}
