package io.parley.api.web;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import io.parley.common.web.ApiException;
import io.parley.common.web.ProblemDetailsExceptionHandler;
import java.util.concurrent.CompletionException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;

/**
 * api-service's problem details: the shared mapping (common's {@link ProblemDetailsExceptionHandler})
 * plus the failures of this service's storage, which only it knows.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ProblemDetailsExceptionHandler {

    /**
     * Cassandra could not answer in time or had too few replicas: a transient condition, so 503
     * and let the client retry. A timed-out conditional write (sign-up's username claim) may still
     * have been applied; a retried sign-up then answers 409, and logging in with the password
     * just chosen tells the user whether the account exists.
     */
    @ExceptionHandler({AllNodesFailedException.class, DriverTimeoutException.class, QueryConsistencyException.class})
    ResponseEntity<Object> handleStorageUnavailable(DriverException ex, WebRequest request) {
        return storageUnavailable(ex, request);
    }

    /**
     * A failure inside a parallel read ({@code join()} on async driver calls) arrives wrapped;
     * answer it as if it had been thrown directly, so a Cassandra timeout is still a 503.
     */
    @ExceptionHandler(CompletionException.class)
    ResponseEntity<Object> handleAsyncFailure(CompletionException ex, WebRequest request) {
        Throwable cause = ex.getCause();
        if (cause instanceof ApiException api) {
            return handleApiException(api, request);
        }
        if (cause instanceof AllNodesFailedException || cause instanceof DriverTimeoutException
                || cause instanceof QueryConsistencyException) {
            return handleStorageUnavailable((DriverException) cause, request);
        }
        return handleUnexpected(cause instanceof Exception e ? e : ex, request);
    }
}
