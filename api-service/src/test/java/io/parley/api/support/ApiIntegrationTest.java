package io.parley.api.support;

import io.parley.testsupport.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on a random port, on a real Cassandra with
 * the schema applied, and a real Kafka (group changes are published to it). One Spring context, shared by every
 * subclass through the test context cache.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eureka.client.enabled=false",
        "parley.auth.bcrypt-strength=4",
        "parley.auth.signing-key-secret=" + ApiIntegrationTest.SIGNING_KEY_SECRET,
        // Group ITs: a small limit to test it, and no sequencer runs here (chat-service applies
        // changes), so changes answer at once with 202 instead of waiting for it.
        "parley.groups.max-members=4",
        "parley.groups.apply-wait=0s"})
public abstract class ApiIntegrationTest {

    /** The key-encryption key of the signing keys in the test keyspace (32 bytes, base64; not a real secret). */
    public static final String SIGNING_KEY_SECRET = "dGVzdC1zaWduaW5nLWtleS1zZWNyZXQtMzItYnl0ZXM=";

    @LocalServerPort
    private int port;

    protected ApiClient api;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RealInfrastructure.registerCassandra(registry);
        RealInfrastructure.registerKafka(registry); // group changes are published as system messages
    }

    @BeforeEach
    void createClient() {
        api = new ApiClient(port);
    }
}
