package io.parley.id.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.parley.id.SnowflakeId;
import io.parley.id.lease.LeasedIdGenerator;
import io.parley.testsupport.RealInfrastructure;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The standalone service, over real HTTP, on a worker id leased in a real Cassandra. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {IdGeneratorApplication.CONFIG_NAME, "spring.cassandra.request.timeout=15s"})
class IdGeneratorApplicationIT {

    @DynamicPropertySource
    static void cassandra(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    LeasedIdGenerator generator;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void issuesUniqueIdsOfItsLeasedWorkerAsStrings() throws Exception {
        HttpResponse<String> response = get("/ids?count=1000");
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode ids = json.readTree(response.body()).get("ids");
        assertThat(ids.size()).isEqualTo(1000);
        Set<Long> unique = new HashSet<>();
        for (JsonNode id : ids) {
            assertThat(id.isString()).as("ids are strings").isTrue();
            long value = Long.parseLong(id.asString());
            unique.add(value);
            assertThat(SnowflakeId.decode(value).workerId()).isEqualTo(generator.workerId());
        }
        assertThat(unique).hasSize(1000);
    }

    @Test
    void aCountOutOfRangeIsAProblemDetail() throws Exception {
        for (String count : List.of("0", "1001", "many")) {
            HttpResponse<String> response = get("/ids?count=" + count);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(json.readTree(response.body()).get("status").asInt()).isEqualTo(400);
        }
        assertThat(json.readTree(get("/ids?count=0").body()).get("detail").asString())
                .isEqualTo("count must be between 1 and 1000, was 0");
    }

    @Test
    void decodesAnIdItIssued() throws Exception {
        String id = json.readTree(get("/ids").body()).get("ids").get(0).asString();

        JsonNode decoded = json.readTree(get("/ids/" + id).body());

        SnowflakeId expected = SnowflakeId.decode(Long.parseLong(id));
        assertThat(decoded.get("id").asString()).isEqualTo(id);
        assertThat(decoded.get("workerId").asInt()).isEqualTo(generator.workerId());
        assertThat(decoded.get("sequence").asInt()).isEqualTo(expected.sequence());
        assertThat(decoded.get("timestamp").asString()).isEqualTo(expected.timestamp().toString());
    }

    @Test
    void healthShowsTheWorkerId() throws Exception {
        JsonNode health = json.readTree(get("/actuator/health").body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/idGenerator/details/workerId").asInt()).isEqualTo(generator.workerId());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
