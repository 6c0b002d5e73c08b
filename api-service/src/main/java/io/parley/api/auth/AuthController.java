package io.parley.api.auth;

import io.parley.api.ratelimit.ClientAddresses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
    private final SigningKeys keys;
    private final ClientAddresses clientAddresses;

    AuthController(LoginService login, SigningKeys keys, ClientAddresses clientAddresses) {
        this.login = login;
        this.keys = keys;
        this.clientAddresses = clientAddresses;
    }

    @Operation(summary = "Log in", description = "Exchanges a username and password for an access token (JWT, RS256).")
    @ApiResponse(responseCode = "200", description = "Logged in")
    @ApiResponse(responseCode = "401", description = "Wrong username or password (one answer for both)")
    @ApiResponse(responseCode = "429", description = "Too many attempts for this username or from this address; "
            + "Retry-After says when to try again")
    @PostMapping("/login")
    TokenResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
        return login.login(request, clientAddresses.of(http));
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
