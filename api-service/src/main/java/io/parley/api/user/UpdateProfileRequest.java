package io.parley.api.user;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The editable part of a profile (the username is permanent: it is the uniqueness claim). */
@Schema(description = "Profile changes")
public record UpdateProfileRequest(
        @Schema(description = "1-64 characters after trimming", example = "Alice L.")
        @NotBlank
        @Size(max = DisplayNames.MAX_LENGTH)
        @ValidName
        String displayName) {

    public UpdateProfileRequest {
        displayName = DisplayNames.trim(displayName);
    }
}
