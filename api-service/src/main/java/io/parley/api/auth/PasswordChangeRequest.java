package io.parley.api.auth;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The new password follows the sign-up rule (8-128 characters); the current one is only checked. */
@Schema(description = "The current password and the new one")
record PasswordChangeRequest(
        @Schema(format = "password") @NotBlank @Size(max = 1024) String currentPassword,
        @Schema(description = "8-128 characters", format = "password") @NotNull @Size(min = 8, max = 128) String newPassword) {

    @Override
    public String toString() {
        return "PasswordChangeRequest[...]";
    }
}
