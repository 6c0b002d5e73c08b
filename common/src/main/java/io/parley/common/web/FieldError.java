package io.parley.common.web;

/**
 * One entry of a 400 problem's {@code errors} array. The OpenAPI schema of the same name is written
 * out in each service's OpenAPI customizer, so this record carries no schema annotations.
 */
public record FieldError(String field, String message) {
}
