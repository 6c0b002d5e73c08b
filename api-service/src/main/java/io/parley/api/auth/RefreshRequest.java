package io.parley.api.auth;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A refresh token, for POST /api/auth/refresh and /api/auth/logout. */
@Schema(description = "A refresh token from login or the last refresh")
record RefreshRequest(@NotBlank @Size(max = 256) String refreshToken) {

    @Override
    public String toString() {
        return "RefreshRequest[...]";
    }
}
