package io.parley.api.user;

import io.swagger.v3.oas.annotations.media.Schema;

/** A user as anyone may see it. Ids are decimal strings: JavaScript numbers lose 64-bit precision. */
@Schema(name = "User", description = "A Parley user")
public record UserResponse(
        @Schema(description = "User id (64-bit, as a decimal string)", example = "7290340982145024001") String id,
        @Schema(description = "Unique, lowercase", example = "alice") String username,
        @Schema(example = "Alice Liddell") String displayName) {

    static UserResponse of(User user) {
        return new UserResponse(Long.toString(user.id()), user.username(), user.displayName());
    }
}
