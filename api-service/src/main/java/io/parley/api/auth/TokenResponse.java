package io.parley.api.auth;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(description = "An access token, and the refresh token that gets the next one. Send the access token as "
        + "'Authorization: Bearer <accessToken>' to every service; send the refresh token only to POST /api/auth/refresh "
        + "(and /api/auth/logout).")
record TokenResponse(
        @Schema(description = "RS256-signed JWT") String accessToken,
        @Schema(example = "Bearer") String tokenType,
        @Schema(description = "Seconds until the access token expires", example = "900") long expiresIn,
        @Schema(description = "The logged-in user's id (decimal string)") String userId,
        @Schema(description = "Opaque, single use: exchange it at POST /api/auth/refresh for new tokens, "
                + "then forget it (presenting it again revokes the login)") String refreshToken,
        @Schema(description = "Seconds until the refresh token expires", example = "2592000") long refreshExpiresIn) {

    @Override
    public String toString() {
        return "TokenResponse[userId=" + userId + ", expiresIn=" + expiresIn + "]";
    }
}
