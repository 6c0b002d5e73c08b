package io.parley.api.support;

import io.parley.testsupport.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on a random port, on a real Cassandra with
 * the schema applied (no Kafka: api-service does not use it). One Spring context, shared by every
 * subclass through the test context cache.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.auth.bcrypt-strength=4"})
public abstract class ApiIntegrationTest {

    @LocalServerPort
    private int port;

    protected ApiClient api;

    @DynamicPropertySource
    static void cassandra(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
    }

    @BeforeEach
    void createClient() {
        api = new ApiClient(port);
    }
}
