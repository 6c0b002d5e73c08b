package io.parley.api.auth;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Credentials. Only presence and a sane size are checked: wrong input is simply a failed login. */
@Schema(description = "Credentials")
record LoginRequest(
        @Schema(example = "alice") @NotBlank @Size(max = 256) String username,
        @Schema(example = "correct horse battery", format = "password") @NotBlank @Size(max = 1024) String password) {

    @Override
    public String toString() {
        return "LoginRequest[username=" + username + "]";
    }
}
