package io.parley.api.auth;

import io.parley.api.ratelimit.AuthRateLimits;
import io.parley.api.ratelimit.ClientAddresses;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Auth", description = "Tokens and the keys that verify them")
@RestController
@RequestMapping("/api/auth")
@SecurityRequirements
class AuthController {

    private final LoginService login;
    private final RefreshTokens refreshTokens;
    private final AuthRateLimits limits;
    private final SigningKeys keys;
    private final ClientAddresses clientAddresses;

    AuthController(LoginService login, RefreshTokens refreshTokens, AuthRateLimits limits, SigningKeys keys,
            ClientAddresses clientAddresses) {
        this.login = login;
        this.refreshTokens = refreshTokens;
        this.limits = limits;
        this.keys = keys;
        this.clientAddresses = clientAddresses;
    }

    @Operation(summary = "Log in", description = "Exchanges a username and password for an access token (JWT, RS256) "
            + "and a refresh token (opaque, single use) that starts a new login.")
    @ApiResponse(responseCode = "200", description = "Logged in")
    @ApiResponse(responseCode = "401", description = "Wrong username or password (one answer for both)")
    @ApiResponse(responseCode = "429", description = "Too many attempts for this username or from this address; "
            + "Retry-After says when to try again")
    @PostMapping("/login")
    TokenResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
        return login.login(request, clientAddresses.of(http));
    }

    @Operation(summary = "Refresh", description = "Exchanges a refresh token for a new access token and the next "
            + "refresh token of the same login (rotation). Each refresh token works once: presenting a used one again "
            + "revokes the whole login (every token issued from it) and is refused. Refresh one request at a time.")
    @ApiResponse(responseCode = "200", description = "New tokens; forget the presented refresh token")
    @ApiResponse(responseCode = "401", description = "Unknown, expired, revoked or already used refresh token: log in again")
    @ApiResponse(responseCode = "429", description = "Too many refreshes from this address; Retry-After says when to try again")
    @PostMapping("/refresh")
    TokenResponse refresh(@Valid @RequestBody RefreshRequest request, HttpServletRequest http) {
        limits.checkRefresh(clientAddresses.of(http));
        return refreshTokens.refresh(request.refreshToken());
    }

    @Operation(summary = "Log out", description = "Revokes the login the refresh token belongs to: no token of it "
            + "refreshes any more, and the chat nodes close the WebSockets opened with its access tokens. Access "
            + "tokens already issued stay valid for REST until they expire (at most parley.auth.token-ttl). "
            + "Idempotent: an unknown or already revoked token also answers 204.")
    @ApiResponse(responseCode = "204", description = "Logged out")
    @ApiResponse(responseCode = "503", description = "Revoked, but the chat nodes could not be told: retry")
    @PostMapping("/logout")
    ResponseEntity<Void> logout(@Valid @RequestBody RefreshRequest request) {
        refreshTokens.logout(request.refreshToken());
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Change password", description = "Needs the access token and the current password. "
            + "Revokes every login of the user (all refresh tokens, on every device) and answers new tokens for "
            + "this one; the chat nodes close the user's WebSockets opened before. Access tokens already issued "
            + "stay valid for REST until they expire. Safe to repeat after a 503.")
    @ApiResponse(responseCode = "200", description = "Password changed; tokens of a new login")
    @ApiResponse(responseCode = "400", description = "The new password breaks the rules (8-128 characters)")
    @ApiResponse(responseCode = "401", description = "No valid access token")
    @ApiResponse(responseCode = "403", description = "The current password is wrong")
    @ApiResponse(responseCode = "429", description = "Too many password attempts (the login limits); Retry-After")
    @ApiResponse(responseCode = "503", description = "Changed, but the chat nodes could not be told: send the same request again")
    @SecurityRequirement(name = "bearer")
    @PostMapping("/password")
    TokenResponse changePassword(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @Valid @RequestBody PasswordChangeRequest request, HttpServletRequest http) {
        return login.changePassword(Callers.userId(token), request, clientAddresses.of(http));
    }

    @Operation(summary = "Public signing keys (JWKS)",
            description = "The RFC 7517 key set that verifies Parley tokens; resource servers point jwk-set-uri here.")
    @GetMapping(value = "/jwks", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> jwks() {
        // Keys change only on rotation, and old keys stay published, so a short cache is safe.
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
                .body(keys.publicJwks());
    }
}
