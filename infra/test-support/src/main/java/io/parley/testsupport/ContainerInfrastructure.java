package io.parley.testsupport;

import com.datastax.oss.driver.api.core.CqlSession;
import io.parley.schema.SchemaMigrator;
import java.net.InetSocketAddress;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The servers as Testcontainers containers, for machines with a Docker daemon. Testcontainers'
 * Ryuk removes them when the JVM exits. Images: {@code -Dparley.kafka-image}, {@code -Dparley.cassandra-image}.
 */
final class ContainerInfrastructure implements RealInfrastructure.Infrastructure {

    private KafkaEndpoint kafka;
    private CassandraEndpoint cassandra;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public synchronized KafkaEndpoint kafka() {
        if (kafka == null) {
            KafkaContainer container = new KafkaContainer(
                    DockerImageName.parse(System.getProperty("parley.kafka-image", "apache/kafka:4.2.1")));
            container.start();
            kafka = new KafkaEndpoint(container.getBootstrapServers());
        }
        return kafka;
    }

    @Override
    public synchronized CassandraEndpoint cassandra() {
        if (cassandra == null) {
            CassandraContainer container = new CassandraContainer(
                    DockerImageName.parse(System.getProperty("parley.cassandra-image", "cassandra:5.0")));
            container.start();
            InetSocketAddress address = container.getContactPoint();
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(address)
                    .withLocalDatacenter(container.getLocalDatacenter())
                    .build()) {
                new SchemaMigrator(session, RealInfrastructure.KEYSPACE, 1).migrate();
            }
            cassandra = new CassandraEndpoint(address.getHostString() + ":" + address.getPort(),
                    container.getLocalDatacenter(), RealInfrastructure.KEYSPACE);
        }
        return cassandra;
    }
}
