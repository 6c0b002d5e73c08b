package io.parley.common.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import io.parley.common.web.ProblemResponses;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem-detail bodies for the 401 and 403 that Spring Security answers before any controller
 * runs (so no exception handler ever sees them). The bearer-token handlers still set the status
 * and the {@code WWW-Authenticate} header RFC 6750 asks for (with the precise OAuth2 error, e.g. an
 * expired token); this adds the body.
 */
public class SecurityProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** The 401 detail when the request has no {@code Authorization} header. */
    public static final String MISSING_TOKEN_DETAIL =
            "Authentication required: send 'Authorization: Bearer <token>' (get one from POST /api/auth/login).";
    /** The 401 detail when the request has a token that is not accepted. */
    public static final String INVALID_TOKEN_DETAIL =
            "The bearer token is invalid or has expired; get a new one (POST /api/auth/refresh, or log in again).";

    private final AuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final AccessDeniedHandler bearerAccessDenied = new BearerTokenAccessDeniedHandler();
    private final JsonMapper jsonMapper;
    private final String missingTokenDetail;
    private final String invalidTokenDetail;

    /** With the 401 details api-service and push-service answer. */
    public SecurityProblemResponses(JsonMapper jsonMapper) {
        this(jsonMapper, MISSING_TOKEN_DETAIL, INVALID_TOKEN_DETAIL);
    }

    /** With a service's own 401 details: what a client is told to do differs by who it talks to. */
    public SecurityProblemResponses(JsonMapper jsonMapper, String missingTokenDetail, String invalidTokenDetail) {
        this.jsonMapper = jsonMapper;
        this.missingTokenDetail = missingTokenDetail;
        this.invalidTokenDetail = invalidTokenDetail;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException authException) throws IOException, ServletException {
        bearerEntryPoint.commence(request, response, authException);
        boolean tokenPresent = request.getHeader("Authorization") != null;
        write(request, response, HttpStatus.UNAUTHORIZED, tokenPresent ? invalidTokenDetail : missingTokenDetail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            AccessDeniedException accessDeniedException) throws IOException, ServletException {
        bearerAccessDenied.handle(request, response, accessDeniedException);
        write(request, response, HttpStatus.FORBIDDEN, "You are not allowed to do this.");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        ProblemResponses.write(jsonMapper, request, response, status, detail);
    }
}
