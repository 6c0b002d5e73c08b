package io.parley.common.web;

import org.springframework.http.HttpStatus;

/**
 * A failure the client caused or must know about, mapped to a problem detail by
 * {@link ProblemDetailsExceptionHandler}. The message is shown to the client, so it must be useful
 * and must not leak internals. Each service throws only the kinds its endpoints can answer.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String field;
    private final Integer retryAfterSeconds;

    private ApiException(HttpStatus status, String message, String field) {
        this(status, message, field, null);
    }

    private ApiException(HttpStatus status, String message, String field, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message, null);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, message, null);
    }

    /** The same request is still being handled (e.g. its Idempotency-Key is held); retry in a second. */
    public static ApiException inProgress(String message) {
        return new ApiException(HttpStatus.CONFLICT, message, null, 1);
    }

    /** Well-formed, but cannot be done as asked (e.g. an Idempotency-Key reused for another request). */
    public static ApiException unprocessable(String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, message, null);
    }

    /** A rate limit refused the request; the same request may go through after {@code retryAfterSeconds}. */
    public static ApiException tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, message, null, Math.max(1, retryAfterSeconds));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, message, null);
    }

    /** A dependency (Kafka) did not answer in time; nothing was changed, the client may retry. */
    public static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, message, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, message, null);
    }

    /** A 400 about one request field or parameter, reported in the problem's {@code errors}. */
    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, field);
    }

    public HttpStatus status() {
        return status;
    }

    /** The offending field or parameter, or null when the error is not about one field. */
    public String field() {
        return field;
    }

    /** Seconds the client should wait before retrying ({@code Retry-After}), or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
