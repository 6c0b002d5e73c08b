package io.parley.gateway.fallback;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import io.parley.common.web.ProblemTypes;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where the CircuitBreaker default filter forwards a request whose service could not be reached:
 * no instance registered, connection refused, the response timed out, or the breaker is open.
 *
 * <p>The route that failed is read from the exchange (the gateway keeps the matched route as an
 * attribute across the forward), so one handler serves every route and the answer still names
 * the route; adding a route to application.yml needs no change here.
 */
@RestController
class RouteFallbackController {

    static final String PATH = "/fallback";
    private static final Logger log = LoggerFactory.getLogger(RouteFallbackController.class);

    @RequestMapping(PATH)
    ResponseEntity<ProblemDetail> fallback(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (route == null) {
            // Called directly rather than forwarded by a route: there is nothing here.
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(notFound());
        }
        Throwable failure = exchange.getAttribute(CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
        boolean timedOut = isTimeout(failure);
        HttpStatus status = timedOut ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.SERVICE_UNAVAILABLE;

        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, timedOut
                ? "The service behind route '%s' did not answer in time.".formatted(route.getId())
                : "The service behind route '%s' is not available right now; try again shortly.".formatted(route.getId()));
        problem.setTitle(timedOut ? "Upstream timeout" : "Service unavailable");
        problem.setType(URI.create(timedOut ? "urn:parley:problem:upstream-timeout" : "urn:parley:problem:service-unavailable"));
        problem.setProperty("route", route.getId());
        URI original = originalRequestUri(exchange);
        if (original != null) {
            problem.setInstance(URI.create(original.getRawPath()));
        }
        log.warn("Route {} failed for {}: {}", route.getId(), original == null ? "?" : original.getRawPath(), describe(failure));

        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (!timedOut) {
            // Instances show up in the gateway's registry copy within seconds (5 s fetch interval).
            response.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return response.body(problem);
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
            if (cause instanceof ResponseStatusException rse && rse.getStatusCode().value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path the client asked for. The request in hand is the forwarded {@code /fallback} one;
     * the gateway records the URLs a request had before each rewrite (the first is the load
     * balancer's {@code lb://service/path}, whose path is the client's, since no prefix is stripped).
     */
    private static URI originalRequestUri(ServerWebExchange exchange) {
        Set<URI> originals = exchange.getAttribute(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        return originals == null ? null : originals.stream().findFirst().orElse(null);
    }

    private static String describe(Throwable failure) {
        return failure == null ? "unknown cause" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static ProblemDetail notFound() {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.NOT_FOUND);
        problem.setType(ProblemTypes.NOT_FOUND);
        return problem;
    }
}
