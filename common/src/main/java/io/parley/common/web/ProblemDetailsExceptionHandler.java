package io.parley.common.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.ClassUtils;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import io.parley.common.text.TextRules;

/**
 * Turns every failure into an RFC 9457 problem detail, the same way in every service. Spring's base
 * class already covers the framework exceptions (405, 406, 415, ...); the overrides below make the
 * 400s say which field was wrong, in an {@code errors} array of {@code {field, message}} that
 * clients can show next to their inputs.
 *
 * <p>Every problem carries the {@code type} of {@link ProblemTypes} for its status (docs/api.md
 * lists them), unless a handler chose a more specific one.
 *
 * <p>Abstract and not an advice itself: each service extends it in a {@code @RestControllerAdvice}
 * of its own, which adds what only that service knows (its storage's transient failures) and keeps
 * the log category in the service's package.
 */
public abstract class ProblemDetailsExceptionHandler extends ResponseEntityExceptionHandler {

    private final Logger log = LoggerFactory.getLogger(getClass());

    @ExceptionHandler(ApiException.class)
    protected ResponseEntity<Object> handleApiException(ApiException ex, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(ex.status(), ex.getMessage());
        if (ex.field() != null) {
            problem.setProperty("errors", List.of(new FieldError(ex.field(), ex.getMessage())));
        }
        if (ex.retryAfterSeconds() != null) {
            return ResponseEntity.status(ex.status()).header(HttpHeaders.RETRY_AFTER, ex.retryAfterSeconds().toString())
                    .body(withInstance(problem, request));
        }
        return respond(problem, request);
    }

    /** The last resort: log it with the stack trace, tell the client nothing internal. */
    @ExceptionHandler(Exception.class)
    protected ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        if (ex instanceof IllegalArgumentException && !concreteContentType(request)) {
            // Spring reads a body only with a concrete Content-Type: "*/*" or "application/*" fails an
            // assertion inside the framework (found by the security suite's fuzzing), which is the
            // client's mistake, not a bug: 415 as for any media type the endpoint does not read.
            return respond(ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must name a concrete media type, such as application/json."), request);
        }
        log.error("Unhandled error on {}", path(request), ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it has been logged.");
        return respond(problem, request);
    }

    /**
     * For a subclass's handler of its storage's transient failures (Cassandra timeouts, too few
     * replicas): 503 with {@code Retry-After: 1}, so clients retry instead of giving up.
     */
    protected ResponseEntity<Object> storageUnavailable(Exception ex, WebRequest request) {
        log.warn("Cassandra unavailable on {}: {}", path(request), ex.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Storage is temporarily unavailable; retry shortly.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(withInstance(problem, request));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> new FieldError(e.getField(), e.getDefaultMessage()))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
        return badRequest(errors, request);
    }

    /** Constraint violations on {@code @RequestParam}s and {@code @PathVariable}s. */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> messages(result).stream()
                        .map(message -> new FieldError(parameterName(result), message)))
                .toList();
        return badRequest(errors, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String field = ex.getPropertyName() != null ? ex.getPropertyName() : "value";
        return badRequest(List.of(new FieldError(field, typeMismatchMessage(ex))), request);
    }

    /** What a 400 says about a parameter that could not be converted to its type. */
    protected String typeMismatchMessage(TypeMismatchException ex) {
        Class<?> required = ex.getRequiredType();
        return required != null && Number.class.isAssignableFrom(ClassUtils.resolvePrimitiveIfNecessary(required))
                ? "must be a decimal number" : "has the wrong format";
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return badRequest(List.of(new FieldError(ex.getParameterName(), "is required")), request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // A value the parser refused in a known place (a string that is not valid Unicode, a number
        // where text belongs) is named like any other invalid field.
        FieldError refused = refusedField(ex);
        if (refused != null) {
            return badRequest(List.of(refused), request);
        }
        // The parser's own message names classes and offsets; the client needs to know only that
        // the body is not the JSON object this endpoint takes.
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is missing or is not valid JSON of the expected shape.");
        return respond(problem, request);
    }

    /** Gives the framework-generated problems (405, 415, ...) the same {@code instance} and {@code type} as ours. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // The framework hands most of its problems over as a null body and builds it in super.
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem) {
            if (problem.getInstance() == null) {
                problem.setInstance(URI.create(path(request)));
            }
            withType(problem);
        }
        return response;
    }

    private ResponseEntity<Object> badRequest(List<FieldError> errors, WebRequest request) {
        String fields = errors.stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "Invalid request: check " + (fields.isEmpty() ? "the input" : fields) + ".");
        problem.setProperty("errors", errors);
        return respond(problem, request);
    }

    private ResponseEntity<Object> respond(ProblemDetail problem, WebRequest request) {
        return ResponseEntity.status(problem.getStatus()).body(withInstance(problem, request));
    }

    private static ProblemDetail withInstance(ProblemDetail problem, WebRequest request) {
        problem.setInstance(URI.create(path(request)));
        return withType(problem);
    }

    /** The status's type from {@link ProblemTypes}, unless the problem already has a specific one. */
    protected static ProblemDetail withType(ProblemDetail problem) {
        if (problem.getType() == null || ProblemTypes.ABOUT_BLANK.equals(problem.getType())) {
            problem.setType(ProblemTypes.forStatus(problem.getStatus()));
        }
        return problem;
    }

    /** The field of a body the JSON parser refused at a known path, or null. */
    private static FieldError refusedField(HttpMessageNotReadableException ex) {
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
                String field = mismatch.getPath().stream()
                        .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : String.valueOf(ref.getIndex()))
                        .collect(Collectors.joining("."));
                String message;
                if (ValidUnicodeStrings.MESSAGE.equals(((JacksonException) mismatch).getOriginalMessage())) {
                    message = TextRules.INVALID_UNICODE;
                } else if (mismatch instanceof InvalidFormatException) {
                    message = "has the wrong format";
                } else {
                    message = "has the wrong JSON type";
                }
                return new FieldError(field, message);
            }
        }
        return null;
    }

    private static List<String> messages(ParameterValidationResult result) {
        return result.getResolvableErrors().stream().map(MessageSourceResolvable::getDefaultMessage).toList();
    }

    private static String parameterName(ParameterValidationResult result) {
        String name = result.getMethodParameter().getParameterName();
        return name != null ? name : "parameter";
    }

    /** False when the request has a Content-Type that is a wildcard or no media type at all. */
    private static boolean concreteContentType(WebRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (header == null || header.isBlank()) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(header);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String path(WebRequest request) {
        HttpServletRequest servletRequest = ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
        return servletRequest != null ? servletRequest.getRequestURI() : "/";
    }
}
