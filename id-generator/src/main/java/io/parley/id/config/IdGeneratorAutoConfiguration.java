package io.parley.id.config;

import com.datastax.oss.driver.api.core.CqlSession;

import io.parley.id.IdGenerator;
import io.parley.id.lease.CassandraWorkerIdLeaser;
import io.parley.id.lease.LeasedIdGenerator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Gives every application that has a {@link CqlSession} an {@link IdGenerator}: a Snowflake
 * generator on a worker id leased in {@code id_worker_leases} of the session's keyspace. The
 * lease is taken while the context starts (so a service that cannot get one fails fast) and
 * released when the context closes, before the session is closed (the generator depends on it).
 *
 * <p>See {@link IdGeneratorHealthAutoConfiguration} for its health indicator.
 */
@AutoConfiguration(afterName = "org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration")
@ConditionalOnClass(CqlSession.class)
@ConditionalOnBean(CqlSession.class)
@ConditionalOnProperty(prefix = "parley.id", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdGeneratorProperties.class)
public class IdGeneratorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(IdGenerator.class)
    LeasedIdGenerator idGenerator(CqlSession session, IdGeneratorProperties properties) {
        return new LeasedIdGenerator(new CassandraWorkerIdLeaser(session, properties.leaseSettings()).acquire());
    }
}
