package io.parley.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RequestBodyLimitTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final RequestBodyLimit limit = new RequestBodyLimit(10, json);

    private static MockHttpServletRequest post(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/groups");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    /** A chunked request: no declared length, the body read from {@code body} as it comes. */
    private static HttpServletRequest chunked(ByteArrayInputStream body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/groups");
        request.addHeader("Transfer-Encoding", "chunked");
        ServletInputStream stream = new DelegatingServletInputStream(body);
        return new HttpServletRequestWrapper(request) {
            @Override
            public ServletInputStream getInputStream() {
                return stream;
            }

            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
    }

    private static ByteArrayInputStream bytes(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesADeclaredLengthOverTheLimitWith413WithoutCallingTheService() throws Exception {
        MockHttpServletRequest request = post("x".repeat(11));
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<HttpServletRequest> reached = new AtomicReference<>();

        limit.doFilter(request, response, (req, res) -> reached.set((HttpServletRequest) req));

        assertThat(reached.get()).isNull();
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.get("type").asString()).isEqualTo(ProblemTypes.PAYLOAD_TOO_LARGE.toString());
        assertThat(problem.get("detail").asString()).contains("10 bytes");
    }

    @Test
    void passesABodyAtTheLimitThrough() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<String> seen = new AtomicReference<>();

        limit.doFilter(post("x".repeat(10)), response,
                (req, res) -> seen.set(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));

        assertThat(seen.get()).isEqualTo("x".repeat(10));
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void readsAChunkedBodyOnlyUpToTheLimitThenRefusesIt() throws Exception {
        ByteArrayInputStream body = bytes("x".repeat(5_000));
        HttpServletRequest request = chunked(body);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<HttpServletRequest> reached = new AtomicReference<>();

        limit.doFilter(request, response, (req, res) -> reached.set((HttpServletRequest) req));

        assertThat(reached.get()).isNull();
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(body.available()).as("left unread").isEqualTo(5_000 - 11);
    }

    @Test
    void handsOnASmallChunkedBodyFromItsBuffer() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicReference<Long> length = new AtomicReference<>();

        limit.doFilter(chunked(bytes("{\"a\":1}")), response, (req, res) -> {
            length.set(req.getContentLengthLong());
            seen.set(((HttpServletRequest) req).getReader().readLine());
        });

        assertThat(seen.get()).isEqualTo("{\"a\":1}");
        assertThat(length.get()).isEqualTo(7L);
    }
}
