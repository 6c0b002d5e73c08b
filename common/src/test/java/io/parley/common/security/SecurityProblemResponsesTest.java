package io.parley.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SecurityProblemResponsesTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final SecurityProblemResponses problems = new SecurityProblemResponses(json);

    @Test
    void answersAMissingTokenWith401ProblemAndBearerChallenge() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/push/devices");
        MockHttpServletResponse response = new MockHttpServletResponse();

        problems.commence(request, response, new InsufficientAuthenticationException("no token"));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode body = json.readTree(response.getContentAsString());
        assertThat(body.propertyNames()).containsExactly("type", "title", "status", "detail", "instance");
        assertThat(body.get("title").asString()).isEqualTo("Unauthorized");
        assertThat(body.get("status").asInt()).isEqualTo(401);
        assertThat(body.get("detail").asString()).isEqualTo(SecurityProblemResponses.MISSING_TOKEN_DETAIL);
        assertThat(body.get("instance").asString()).isEqualTo("/api/push/devices");
    }

    @Test
    void saysTheTokenIsInvalidWhenOneWasSent() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/conversations");
        request.addHeader("Authorization", "Bearer not-a-jwt");
        MockHttpServletResponse response = new MockHttpServletResponse();

        problems.commence(request, response, new InsufficientAuthenticationException("bad token"));

        assertThat(json.readTree(response.getContentAsString()).get("detail").asString())
                .isEqualTo(SecurityProblemResponses.INVALID_TOKEN_DETAIL);
    }

    @Test
    void usesAServicesOwnDetails() throws Exception {
        var own = new SecurityProblemResponses(json, "missing here", "invalid here");
        MockHttpServletResponse response = new MockHttpServletResponse();

        own.commence(new MockHttpServletRequest("GET", "/api/discovery/chat-server"), response,
                new InsufficientAuthenticationException("no token"));

        assertThat(json.readTree(response.getContentAsString()).get("detail").asString()).isEqualTo("missing here");
    }

    @Test
    void answersAccessDeniedWith403Problem() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();

        problems.handle(new MockHttpServletRequest("DELETE", "/api/groups/1"), response,
                new AccessDeniedException("no"));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
        JsonNode body = json.readTree(response.getContentAsString());
        assertThat(body.get("title").asString()).isEqualTo("Forbidden");
        assertThat(body.get("detail").asString()).isEqualTo("You are not allowed to do this.");
    }
}
