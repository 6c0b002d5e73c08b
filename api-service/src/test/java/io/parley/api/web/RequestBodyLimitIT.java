package io.parley.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.api.support.ApiIntegrationTest;
import io.parley.api.support.TestIds;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body limit (64KB by default) over real HTTP, on an endpoint anyone may call: a body over it
 * is refused with 413 whether its length is declared or it comes chunked, and a chunked body under
 * it still reaches the controller whole.
 */
class RequestBodyLimitIT extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> signUp(HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/users"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(body)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Unknown length: the JDK client sends it chunked. */
    private static HttpRequest.BodyPublisher chunked(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    }

    private static String signUpBody(String username, String displayName) {
        return "{\"username\":\"" + username + "\",\"password\":\"password-" + username
                + "\",\"displayName\":\"" + displayName + "\"}";
    }

    @Test
    void aBodyOverTheLimitIs413WithDeclaredLengthAndChunked() throws Exception {
        String huge = signUpBody(TestIds.username("huge"), "x".repeat(100_000));

        for (HttpRequest.BodyPublisher body : new HttpRequest.BodyPublisher[] {
                HttpRequest.BodyPublishers.ofString(huge), chunked(huge)}) {
            HttpResponse<String> response = signUp(body);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("urn:parley:problem:payload-too-large");
            assertThat(problem.get("detail").asString()).contains("65536 bytes");
        }
    }

    @Test
    void aChunkedBodyUnderTheLimitIsHandledAsUsual() throws Exception {
        HttpResponse<String> response = signUp(chunked(signUpBody(TestIds.username("chunk"), "Chunked")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }
}
