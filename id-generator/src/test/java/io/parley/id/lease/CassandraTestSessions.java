package io.parley.id.lease;

import java.net.InetSocketAddress;
import java.time.Duration;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;

import io.parley.testsupport.CassandraEndpoint;
import io.parley.testsupport.RealInfrastructure;

/** Sessions on the real test Cassandra (started once per JVM by RealInfrastructure). */
final class CassandraTestSessions {

    private CassandraTestSessions() {
    }

    static CqlSession open() {
        CassandraEndpoint cassandra = RealInfrastructure.cassandra();
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .withKeyspace(cassandra.keyspace())
                // LWTs on a busy 2-core machine can take longer than the driver's default 2 s.
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(15))
                        .build())
                .build();
    }
}
