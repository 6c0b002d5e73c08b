package io.parley.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Real Kafka and Cassandra for integration tests, one of each per test JVM, started on first use
 * and stopped when the JVM exits.
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void infrastructure(DynamicPropertyRegistry registry) {
 *     RealInfrastructure.registerKafka(registry);
 *     RealInfrastructure.registerCassandra(registry);
 * }
 * }</pre>
 *
 * Where a Docker daemon answers, the servers are Testcontainers containers; elsewhere (no Docker,
 * as on the project's own machines and CI) they are the Maven Central servers of
 * {@code infra/kafka-server} and {@code infra/cassandra-server}, run as child JVMs on free ports
 * with their data in a temporary directory. {@code -Dparley.infra=processes|containers} forces one.
 * The Cassandra keyspace ({@value #KEYSPACE}) has every schema migration applied. Tests share the
 * servers, so they should use their own ids (or topics) rather than expect empty tables.
 */
public final class RealInfrastructure {

    public static final String KEYSPACE = "parley";

    private static volatile Infrastructure infrastructure;

    private RealInfrastructure() {
    }

    /** The broker, started on first call (thread-safe; later calls return at once). */
    public static KafkaEndpoint kafka() {
        return infrastructure().kafka();
    }

    /** The node with the schema applied, started on first call (thread-safe). */
    public static CassandraEndpoint cassandra() {
        return infrastructure().cassandra();
    }

    /** Sets {@code spring.kafka.bootstrap-servers}; the broker starts when Spring first reads it. */
    public static void registerKafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> kafka().bootstrapServers());
    }

    /**
     * Sets {@code spring.cassandra.contact-points}, {@code local-datacenter} and {@code keyspace-name};
     * the node starts when Spring first reads them.
     */
    public static void registerCassandra(DynamicPropertyRegistry registry) {
        registry.add("spring.cassandra.contact-points", () -> cassandra().contactPoint());
        registry.add("spring.cassandra.local-datacenter", () -> cassandra().localDatacenter());
        registry.add("spring.cassandra.keyspace-name", () -> cassandra().keyspace());
    }

    private static Infrastructure infrastructure() {
        Infrastructure current = infrastructure;
        if (current == null) {
            synchronized (RealInfrastructure.class) {
                current = infrastructure;
                if (current == null) {
                    current = choose();
                    infrastructure = current;
                }
            }
        }
        return current;
    }

    private static Infrastructure choose() {
        String forced = System.getProperty("parley.infra", System.getenv().getOrDefault("PARLEY_INFRA", "auto"));
        return switch (forced) {
            case "processes" -> new ProcessInfrastructure();
            case "containers" -> new ContainerInfrastructure();
            case "auto" -> ContainerInfrastructure.dockerAvailable()
                    ? new ContainerInfrastructure() : new ProcessInfrastructure();
            default -> throw new IllegalArgumentException(
                    "parley.infra must be auto, processes or containers, not " + forced);
        };
    }

    /** Where the servers come from. Implementations start each lazily, once, thread-safely. */
    interface Infrastructure {
        KafkaEndpoint kafka();

        CassandraEndpoint cassandra();
    }
}
