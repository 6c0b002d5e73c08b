package io.parley.push.web;

/** One entry of a 400 problem's {@code errors} array. */
record FieldError(String field, String message) {
}
