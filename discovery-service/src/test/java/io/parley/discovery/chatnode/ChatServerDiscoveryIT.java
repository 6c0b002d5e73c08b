package io.parley.discovery.chatnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole discovery-service (real Eureka server, real security, real poller) with chat nodes
 * that are real HTTP servers registered through Eureka's own REST API, as chat-service registers.
 * Tokens are signed with a key pair made here and published as a JWKS by a tiny HTTP server,
 * exactly the way api-service publishes its keys.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"parley.discovery.chat-nodes.poll-interval=200ms",
                "parley.registry.password=" + ChatServerDiscoveryIT.REGISTRY_PASSWORD})
class ChatServerDiscoveryIT {

    static final String REGISTRY_PASSWORD = "it-registry-secret";
    static final String REGISTRY_AUTHORIZATION = basic("parley", REGISTRY_PASSWORD);

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final KeyPair SIGNING_KEYS = rsaKeyPair();
    private static final KeyPair FOREIGN_KEYS = rsaKeyPair();
    private static final HttpServer JWKS = jwksServer((RSAPublicKey) SIGNING_KEYS.getPublic());

    @DynamicPropertySource
    static void jwks(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/api/auth/jwks");
    }

    @AfterAll
    static void stopJwks() {
        JWKS.stop(0);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> registered = new ArrayList<>();
    private final List<FakeChatNode> nodes = new ArrayList<>();

    @AfterEach
    void deregisterAndStopNodes() throws Exception {
        for (String instanceId : registered) {
            send(asService(HttpRequest.newBuilder(local("/eureka/apps/CHAT-SERVICE/" + instanceId)).DELETE()));
        }
        nodes.forEach(FakeChatNode::close);
        await().atMost(PATIENCE).until(() -> knownNodes().isEmpty());
    }

    @Test
    void handsOutTheLeastLoadedNodeAndFollowsLoadChanges() throws Exception {
        FakeChatNode busy = register(node("chat-busy", 5));
        FakeChatNode quiet = register(node("chat-quiet", 2));
        awaitPolled("chat-busy", "chat-quiet");

        for (int i = 0; i < 10; i++) {
            JsonNode answer = chatServer(validToken());
            assertThat(answer.get("nodeId").asString()).isEqualTo("chat-quiet");
            assertThat(answer.get("url").asString()).isEqualTo(quiet.wsUrl());
        }

        quiet.connections(9);
        await().atMost(PATIENCE).until(() -> "chat-busy".equals(pickedNodeId()));
        for (int i = 0; i < 10; i++) {
            assertThat(chatServer(validToken()).get("url").asString()).isEqualTo(busy.wsUrl());
        }
    }

    @Test
    void neverHandsOutADrainingNodeEvenWhenItIsEmpty() throws Exception {
        register(node("chat-loaded", 10));
        register(node("chat-draining", 0).draining(true));

        awaitPolled("chat-loaded", "chat-draining");
        for (int i = 0; i < 20; i++) {
            assertThat(pickedNodeId()).isEqualTo("chat-loaded");
        }
    }

    @Test
    void neverHandsOutANodeThatIsNotUpOrDoesNotAnswer() throws Exception {
        FakeChatNode crashed = register(node("chat-crashed", 0));
        register(node("chat-healthy", 20));
        register(node("chat-leaving", 0));
        awaitPolled("chat-crashed", "chat-healthy", "chat-leaving");
        assertThat(pickedNodeId()).isIn("chat-crashed", "chat-leaving");

        // OUT_OF_SERVICE in Eureka is what a draining chat node sets on itself.
        HttpResponse<String> outOfService = send(asService(HttpRequest.newBuilder(
                local("/eureka/apps/CHAT-SERVICE/chat-leaving/status?value=OUT_OF_SERVICE"))
                .PUT(HttpRequest.BodyPublishers.noBody())));
        assertThat(outOfService.statusCode()).isEqualTo(200);
        // A process that died is still UP in Eureka until its lease expires, but it no longer answers.
        crashed.close();
        await().atMost(PATIENCE).until(() -> !reachable("chat-crashed"));

        for (int i = 0; i < 20; i++) {
            assertThat(pickedNodeId()).isEqualTo("chat-healthy");
        }
    }

    @Test
    void answers503ProblemWhenNoNodeCanTakeClients() throws Exception {
        register(node("chat-only", 0).draining(true));
        awaitPolled("chat-only");

        HttpResponse<String> response = getChatServer(validToken());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(503);
    }

    @Test
    void rejectsAMissingOrForeignTokenWith401Problem() throws Exception {
        register(node("chat-any", 0));
        awaitPolled("chat-any");

        // a foreign key, garbage, and our key with another issuer or audience than PARLEY_JWT_ISSUER/AUDIENCE
        for (String token : new String[] {null, token(FOREIGN_KEYS), "not-a-jwt",
                token(SIGNING_KEYS, "someone-else", "parley"), token(SIGNING_KEYS, "parley", "another-app"),
                token(SIGNING_KEYS, "parley", null)}) {
            HttpResponse<String> response = getChatServer(token);

            assertThat(response.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(401);
            assertThat(json.readTree(response.body()).get("detail").asString())
                    .isEqualTo("A valid bearer token is required; log in to api-service to get one.");
        }
    }

    @Test
    void eurekaAndOperatorEndpointsTakeTheRegistryCredentials() throws Exception {
        register(node("chat-listed", 3));
        awaitPolled("chat-listed");

        HttpResponse<String> apps = send(asService(HttpRequest.newBuilder(local("/eureka/apps"))
                .header("Accept", "application/json").GET()));
        assertThat(apps.statusCode()).isEqualTo(200);
        assertThat(apps.body()).contains("CHAT-SERVICE");

        JsonNode listed = knownNodes().get(0);
        assertThat(listed.get("nodeId").asString()).isEqualTo("chat-listed");
        assertThat(listed.get("connections").asInt()).isEqualTo(3);
        assertThat(listed.get("draining").asBoolean()).isFalse();
        assertThat(listed.get("lastSeen").isNull()).isFalse();
    }

    @Test
    void theRegistryDashboardInternalAndActuatorDetailsAreNotPublic() throws Exception {
        register(node("chat-secret", 1));
        awaitPolled("chat-secret");

        for (String path : new String[] {"/", "/lastn", "/eureka/apps", "/eureka/apps/CHAT-SERVICE",
                "/internal/chat-nodes", "/actuator/info"}) {
            for (String authorization : new String[] {null, basic("parley", "wrong"), "Bearer " + validToken()}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(local(path)).header("Accept", "application/json").GET();
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                HttpResponse<String> response = send(request);
                assertThat(response.statusCode()).as("%s with %s", path, authorization).isEqualTo(401);
                assertThat(response.body()).as(path).doesNotContain("chat-secret");
                assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                        value -> assertThat(value).startsWith("Basic"));
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
            }
        }
        // Probes keep the bare status; the details are for the service plane.
        HttpResponse<String> health = send(HttpRequest.newBuilder(local("/actuator/health")).GET());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json.readTree(health.body()).has("components")).isFalse();
        assertThat(json.readTree(health.body()).get("status").asString()).isEqualTo("UP");
        HttpResponse<String> detailed = send(asService(HttpRequest.newBuilder(local("/actuator/health")).GET()));
        assertThat(json.readTree(detailed.body()).has("components")).isTrue();
    }

    @Test
    void anUnauthenticatedOrWrongPasswordRegistrationIsRefusedAndNeverHandedToClients() throws Exception {
        FakeChatNode honest = register(node("chat-honest", 50));
        awaitPolled("chat-honest");
        FakeChatNode fake = node("chat-fake", 0);

        HttpResponse<String> anonymous = send(registration(fake));
        HttpResponse<String> wrongPassword = send(registration(fake).header("Authorization", basic("parley", "guess")));
        HttpResponse<String> wrongUser = send(registration(fake).header("Authorization", basic("admin", REGISTRY_PASSWORD)));
        HttpResponse<String> userToken = send(registration(fake).header("Authorization", "Bearer " + validToken()));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongUser.statusCode()).isEqualTo(401);
        assertThat(userToken.statusCode()).isEqualTo(401);
        // Several poll cycles later the registry still does not hold it, and no client is sent there.
        Thread.sleep(1000);
        HttpResponse<String> apps = send(asService(HttpRequest.newBuilder(local("/eureka/apps/CHAT-SERVICE"))
                .header("Accept", "application/json").GET()));
        assertThat(apps.body()).contains("chat-honest").doesNotContain("chat-fake");
        assertThat(knownNodes()).extracting(node -> node.get("nodeId").asString()).containsExactly("chat-honest");
        for (int i = 0; i < 10; i++) {
            assertThat(chatServer(validToken()).get("url").asString()).isEqualTo(honest.wsUrl());
        }
    }

    @Test
    void deregistrationRenewalAndStatusOverridesNeedTheCredentials() throws Exception {
        FakeChatNode node = register(node("chat-kept", 4));
        awaitPolled("chat-kept");
        String instance = "/eureka/apps/CHAT-SERVICE/chat-kept";

        List<HttpRequest.Builder> attacks = List.of(
                HttpRequest.newBuilder(local(instance)).DELETE(),
                HttpRequest.newBuilder(local(instance + "/status?value=OUT_OF_SERVICE")).PUT(HttpRequest.BodyPublishers.noBody()),
                HttpRequest.newBuilder(local(instance + "/status?value=UP")).DELETE(),
                HttpRequest.newBuilder(local(instance + "?status=DOWN")).PUT(HttpRequest.BodyPublishers.noBody()),
                HttpRequest.newBuilder(local(instance + "/metadata?ws-url=ws://evil.example/ws/v1"))
                        .PUT(HttpRequest.BodyPublishers.noBody()));
        for (HttpRequest.Builder attack : attacks) {
            assertThat(send(attack).statusCode()).isEqualTo(401);
            assertThat(send(attack.header("Authorization", basic("parley", "nope"))).statusCode()).isEqualTo(401);
        }

        Thread.sleep(1000);
        for (int i = 0; i < 5; i++) {
            assertThat(chatServer(validToken()).get("url").asString()).isEqualTo(node.wsUrl());
        }
    }

    @Test
    void aNodeReportingANegativeOrAbsurdLoadIsNeverHandedOut() throws Exception {
        FakeChatNode honest = register(node("chat-loaded", 40));
        register(node("chat-negative", -1));
        register(node("chat-absurd", 2_000_000_000));
        awaitPolled("chat-loaded");
        Thread.sleep(1000); // several poll cycles of the two liars

        for (int i = 0; i < 20; i++) {
            assertThat(chatServer(validToken()).get("url").asString()).isEqualTo(honest.wsUrl());
        }
        assertThat(knownNodes()).filteredOn(node -> !node.get("nodeId").asString().equals("chat-loaded"))
                .allSatisfy(node -> {
                    assertThat(node.get("reachable").asBoolean()).isFalse();
                    assertThat(node.get("available").asBoolean()).isFalse();
                });
    }

    // --- helpers -------------------------------------------------------------------------------

    private FakeChatNode node(String nodeId, int connections) {
        FakeChatNode node = new FakeChatNode(nodeId, connections);
        nodes.add(node);
        return node;
    }

    /** Registers the node the way a Eureka client does: POST /eureka/apps/{APP} with the instance and the credentials. */
    private FakeChatNode register(FakeChatNode node) throws Exception {
        HttpResponse<String> response = send(asService(registration(node)));
        assertThat(response.statusCode()).as("registration of %s", node.nodeId).isEqualTo(204);
        registered.add(node.nodeId);
        return node;
    }

    /** A registration request for the node, without credentials. */
    private HttpRequest.Builder registration(FakeChatNode node) {
        String instance = """
                {"instance": {
                  "instanceId": "%1$s", "app": "CHAT-SERVICE", "hostName": "127.0.0.1", "ipAddr": "127.0.0.1",
                  "vipAddress": "chat-service", "status": "UP",
                  "port": {"$": %2$d, "@enabled": "true"},
                  "homePageUrl": "http://127.0.0.1:%2$d/",
                  "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
                  "metadata": {"ws-url": "%3$s"}
                }}""".formatted(node.nodeId, node.port(), node.wsUrl());
        return HttpRequest.newBuilder(local("/eureka/apps/CHAT-SERVICE"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(instance));
    }

    private static HttpRequest.Builder asService(HttpRequest.Builder request) {
        return request.header("Authorization", REGISTRY_AUTHORIZATION);
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void awaitPolled(String... nodeIds) {
        for (String nodeId : nodeIds) {
            await().atMost(PATIENCE).until(() -> reachable(nodeId));
        }
    }

    private boolean reachable(String nodeId) throws Exception {
        return knownNodes().stream()
                .anyMatch(node -> node.get("nodeId").asString().equals(nodeId) && node.get("reachable").asBoolean());
    }

    private List<JsonNode> knownNodes() throws Exception {
        HttpResponse<String> response = send(asService(HttpRequest.newBuilder(local("/internal/chat-nodes")).GET()));
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> known = new ArrayList<>();
        json.readTree(response.body()).forEach(known::add);
        return known;
    }

    private String pickedNodeId() throws Exception {
        HttpResponse<String> response = getChatServer(validToken());
        return response.statusCode() == 200 ? json.readTree(response.body()).get("nodeId").asString() : null;
    }

    private JsonNode chatServer(String token) throws Exception {
        HttpResponse<String> response = getChatServer(token);
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> getChatServer(String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(local("/api/discovery/chat-server")).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI local(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String validToken() {
        return token(SIGNING_KEYS);
    }

    /** A token shaped like api-service's: RS256, sub = user id, issuer and audience parley, one hour. */
    private static String token(KeyPair keys) {
        return token(keys, "parley", "parley");
    }

    /** Like {@link #token(KeyPair)} with the given issuer and audience (none when null). */
    private static String token(KeyPair keys, String issuer, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("1234567890")
                .issuer(issuer)
                .audience(audience)
                .claim("preferred_username", "alice")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test-key").build(), claims);
        try {
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwksServer(RSAPublicKey publicKey) {
        byte[] jwks = new JWKSet(new RSAKey.Builder(publicKey).keyID("test-key").build()).toString()
                .getBytes(StandardCharsets.UTF_8);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/auth/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
