package io.parley.id.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.id.IdGenerator;
import io.parley.id.SnowflakeId;
import io.parley.id.lease.LeasedIdGenerator;
import io.parley.testsupport.CassandraEndpoint;
import io.parley.testsupport.RealInfrastructure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What a service that depends on the library gets: Boot's CqlSession in, a leased IdGenerator out. */
class IdGeneratorAutoConfigurationIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CassandraAutoConfiguration.class,
                    IdGeneratorAutoConfiguration.class, IdGeneratorHealthAutoConfiguration.class,
                    IdGeneratorMetricsAutoConfiguration.class))
            .withPropertyValues(cassandraProperties());

    @Test
    void aCqlSessionIsEnoughToGetAnIdGeneratorOnALeasedWorkerIdThatIsReleasedOnShutdown() {
        int[] workerId = new int[1];
        try (CqlSession observer = openObserver()) {
            runner.withPropertyValues("parley.id.lease-ttl=12s").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(IdGenerator.class);
                LeasedIdGenerator generator = context.getBean(LeasedIdGenerator.class);
                workerId[0] = generator.workerId();
                assertThat(generator.lease().settings().renewInterval()).hasSeconds(4);

                long id = context.getBean(IdGenerator.class).nextId();
                assertThat(SnowflakeId.decode(id).workerId()).isEqualTo(workerId[0]);
                assertThat(ownerOf(observer, workerId[0])).isEqualTo(generator.lease().owner());
                assertThat(context.getBean("idGeneratorHealthIndicator", HealthIndicator.class).health().getStatus())
                        .isEqualTo(Status.UP);
                SimpleMeterRegistry meters = new SimpleMeterRegistry();
                context.getBean(MeterBinder.class).bindTo(meters);
                assertThat(meters.get("parley.id.lease.valid").gauge().value()).isEqualTo(1.0);
            });
            assertThat(ownerOf(observer, workerId[0])).as("released when the context closed").isNull();
        }
    }

    @Test
    void canBeSwitchedOff() {
        runner.withPropertyValues("parley.id.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(IdGenerator.class));
    }

    private static String[] cassandraProperties() {
        CassandraEndpoint cassandra = RealInfrastructure.cassandra();
        return new String[] {
                "spring.cassandra.contact-points=" + cassandra.contactPoint(),
                "spring.cassandra.local-datacenter=" + cassandra.localDatacenter(),
                "spring.cassandra.keyspace-name=" + cassandra.keyspace(),
                "spring.cassandra.request.timeout=15s" };
    }

    private static CqlSession openObserver() {
        CassandraEndpoint cassandra = RealInfrastructure.cassandra();
        return CqlSession.builder()
                .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .withKeyspace(cassandra.keyspace())
                .build();
    }

    private static String ownerOf(CqlSession session, int workerId) {
        var row = session.execute("SELECT owner FROM id_worker_leases WHERE worker_id = ?", workerId).one();
        return row == null ? null : row.getString("owner");
    }
}
