package io.parley.push.web;

import org.springframework.http.HttpStatus;

/**
 * A failure the client caused or must know about, answered as a problem detail by
 * {@link ApiExceptionHandler}. The message is shown to the client: useful, and never internal.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String field;

    private ApiException(HttpStatus status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message, null);
    }

    /** A 400 about one request field or path variable, named in the problem's {@code errors}. */
    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, field);
    }

    HttpStatus status() {
        return status;
    }

    String field() {
        return field;
    }
}
