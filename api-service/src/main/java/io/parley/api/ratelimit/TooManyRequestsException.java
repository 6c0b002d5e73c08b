package io.parley.api.ratelimit;

/**
 * A rate limit refused the request: answered 429 with {@code Retry-After} and the problem type
 * {@code urn:parley:problem:too-many-requests} (api-service's exception handler).
 */
public class TooManyRequestsException extends RuntimeException {

    private final long retryAfterSeconds;

    public TooManyRequestsException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds until the limit lets the same request through again; at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
