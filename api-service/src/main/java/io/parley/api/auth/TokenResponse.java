package io.parley.api.auth;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "An access token. Send it as 'Authorization: Bearer <accessToken>' to every service.")
record TokenResponse(
        @Schema(description = "RS256-signed JWT") String accessToken,
        @Schema(example = "Bearer") String tokenType,
        @Schema(description = "Seconds until the token expires", example = "3600") long expiresIn,
        @Schema(description = "The logged-in user's id (decimal string)") String userId) {
}
