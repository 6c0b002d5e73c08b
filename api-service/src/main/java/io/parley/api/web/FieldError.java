package io.parley.api.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** One entry of a 400 problem's {@code errors} array. */
@Schema(description = "A field or parameter that was rejected, and why")
public record FieldError(
        @Schema(example = "username") String field,
        @Schema(example = "size must be between 3 and 32") String message) {
}
