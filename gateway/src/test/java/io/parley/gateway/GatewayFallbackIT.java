package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway when its services are down, in the two ways that happen: discovery-service is listed
 * but nothing listens on its port (a crashed process, or one Eureka has not expired yet), and
 * api-service has no instance at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "eureka.client.enabled=false")
class GatewayFallbackIT {

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.discovery-service[0].uri",
                () -> "http://127.0.0.1:" + portNobodyListensOn());
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aServiceWithNoInstanceAnswers503ProblemNamingItsRoute() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway("/api/users/me"))
                .header("Authorization", "Bearer t").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("route").asString()).isEqualTo("api-service");
        assertThat(problem.get("detail").asString()).contains("api-service");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/users/me");
    }

    @Test
    void aListedButDeadServiceAnswers503ProblemNamingItsRouteForAnyMethod() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway("/api/discovery/chat-server"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("route").asString()).isEqualTo("discovery-service");
        assertThat(problem.get("detail").asString()).contains("discovery-service").doesNotContain("api-service");
    }

    private URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static int portNobodyListensOn() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
