package io.parley.api.user;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Sign-up input. The display name is trimmed here, before validation, so "  " is rejected as
 * blank and the 64-character limit applies to what is stored.
 */
@Schema(description = "A new account")
public record SignUpRequest(
        @Schema(description = "3-32 characters of a-z, 0-9, '_' and '.'; case-insensitive, stored lowercase",
                example = "alice")
        @NotNull
        @Size(min = Usernames.MIN_LENGTH, max = Usernames.MAX_LENGTH)
        @Pattern(regexp = Usernames.INPUT_PATTERN, message = "may contain only letters a-z, digits, '_' and '.'")
        String username,

        @Schema(description = "8-128 characters", example = "correct horse battery", format = "password")
        @NotNull
        @Size(min = 8, max = 128)
        String password,

        @Schema(description = "1-64 characters after trimming", example = "Alice Liddell")
        @NotBlank
        @Size(max = DisplayNames.MAX_LENGTH)
        @ValidName
        String displayName) {

    public SignUpRequest {
        displayName = DisplayNames.trim(displayName);
    }
}
