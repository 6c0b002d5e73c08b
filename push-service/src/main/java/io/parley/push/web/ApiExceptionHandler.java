package io.parley.push.web;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import io.parley.common.web.ProblemDetailsExceptionHandler;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;

/**
 * push-service's problem details: the shared mapping (common's {@link ProblemDetailsExceptionHandler},
 * the same shape api-service answers) plus the failures of this service's storage.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ProblemDetailsExceptionHandler {

    /** Cassandra briefly unavailable: 503 + Retry-After, so clients retry instead of giving up. */
    @ExceptionHandler({AllNodesFailedException.class, DriverTimeoutException.class, QueryConsistencyException.class})
    ResponseEntity<Object> handleStorageUnavailable(DriverException ex, WebRequest request) {
        return storageUnavailable(ex, request);
    }

    /**
     * push-service has always said "has the wrong format" for any unconvertible path variable
     * (a non-numeric conversation id included); kept so its 400s do not change under clients.
     */
    @Override
    protected String typeMismatchMessage(TypeMismatchException ex) {
        return "has the wrong format";
    }
}
