package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real gateway (the route table of application.yml, lb:// included) in front of two real HTTP
 * servers standing in for api-service and discovery-service. Eureka is swapped for Spring Cloud's
 * simple discovery client with static instances, so the load balancer path is the production one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "eureka.client.enabled=false")
class GatewayRoutingIT {

    static final StubService API = new StubService("api-service");
    static final StubService DISCOVERY = new StubService("discovery-service");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.discovery.client.simple.instances.api-service[0].uri", API::uri);
        registry.add("spring.cloud.discovery.client.simple.instances.discovery-service[0].uri", DISCOVERY::uri);
    }

    @AfterAll
    static void stopStubs() {
        API.close();
        DISCOVERY.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void forgetEarlierRequests() {
        while (API.poll() != null) { }
        while (DISCOVERY.poll() != null) { }
    }

    @Test
    void apiRequestsReachApiServiceWithPathQueryAndAuthorizationIntact() throws Exception {
        HttpResponse<String> response = http.send(get("/api/users/me?include=profile&x=%2F")
                .header("Authorization", "Bearer token-123").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"service\":\"api-service\"");
        StubService.Received received = API.poll();
        assertThat(received).isNotNull();
        assertThat(received.method()).isEqualTo("GET");
        assertThat(received.path()).isEqualTo("/api/users/me");
        assertThat(received.query()).isEqualTo("include=profile&x=%2F");
        assertThat(received.authorization()).isEqualTo("Bearer token-123");
        assertThat(DISCOVERY.poll()).isNull();
    }

    /**
     * api-service's per-address login limits read the client from X-Forwarded-For, right to left,
     * when the gateway (a trusted proxy) connects: the gateway must name the client there.
     */
    @Test
    void servicesSeeTheClientsAddressRightMostInXForwardedFor() throws Exception {
        http.send(get("/api/auth/jwks").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(API.poll().forwardedFor()).isEqualTo("127.0.0.1");

        // What a client writes itself may stay to the left, but the right-most entry is the
        // address the gateway saw: the one api-service takes.
        http.send(get("/api/auth/jwks").header("X-Forwarded-For", "203.0.113.9").build(),
                HttpResponse.BodyHandlers.ofString());
        String forwarded = API.poll().forwardedFor();
        assertThat(forwarded).endsWith("127.0.0.1").doesNotEndWith("203.0.113.9");

        http.send(get("/api/discovery/chat-server").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(DISCOVERY.poll().forwardedFor()).isEqualTo("127.0.0.1");
    }

    @Test
    void discoveryRequestsReachDiscoveryServiceNotApiService() throws Exception {
        HttpResponse<String> response = http.send(get("/api/discovery/chat-server")
                .header("Authorization", "Bearer token-456").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"service\":\"discovery-service\"");
        StubService.Received received = DISCOVERY.poll();
        assertThat(received).isNotNull();
        assertThat(received.path()).isEqualTo("/api/discovery/chat-server");
        assertThat(received.authorization()).isEqualTo("Bearer token-456");
        assertThat(API.poll()).isNull();
    }

    @Test
    void requestBodiesPassThrough() throws Exception {
        String login = "{\"username\":\"alice\",\"password\":\"s3cret\"}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway("/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(login)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        StubService.Received received = API.poll();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/api/auth/login");
        assertThat(received.body()).isEqualTo(login);
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsRefusedWithoutReachingTheService() throws Exception {
        String huge = "{\"name\":\"" + "x".repeat(70_000) + "\"}"; // over the 64KB default
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway("/api/groups"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(API.poll()).isNull();
    }

    @Test
    void errorAnswersOfAServicePassThroughUntouched() throws Exception {
        HttpResponse<String> response = http.send(get("/api/users/missing").build(), HttpResponse.BodyHandlers.ofString());

        // A 404 from the service is its answer, not an outage: no fallback, same status and body.
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).isEqualTo("{\"title\":\"Not Found\",\"status\":404}");
    }

    @Test
    void corsPreflightIsAnsweredByTheGatewayWithoutBotheringTheService() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway("/api/conversations"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(headers -> assertThat(headers.toLowerCase()).contains("authorization"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(API.poll()).isNull();
    }

    @Test
    void crossOriginRequestsGetTheAllowOriginHeaderOnce() throws Exception {
        HttpResponse<String> response = http.send(get("/api/users/me").header("Origin", "http://app.example").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly("*");
    }

    @Test
    void operatorAndRegistryPathsAreNotRoutedToAnyService() throws Exception {
        for (String path : new String[] {"/internal/chat-nodes", "/eureka/apps", "/actuator/env"}) {
            HttpResponse<String> response = http.send(get(path).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(API.poll()).isNull();
        assertThat(DISCOVERY.poll()).isNull();
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(gateway(path)).GET();
    }

    private URI gateway(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
