package io.parley.id.config;

import io.parley.id.lease.LeasedIdGenerator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot's health support on the classpath, an {@code idGenerator} health indicator
 * that is DOWN once the worker id lease is lost (the generator then refuses every id), so an
 * orchestrator or the discovery service can take the node out of rotation.
 */
@AutoConfiguration(after = IdGeneratorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(LeasedIdGenerator.class)
public class IdGeneratorHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "idGeneratorHealthIndicator")
    HealthIndicator idGeneratorHealthIndicator(LeasedIdGenerator generator) {
        return () -> {
            Health.Builder health = generator.lease().isValid() ? Health.up() : Health.down();
            return health.withDetail("workerId", generator.workerId())
                    .withDetail("idsIssuedAheadOfClock", generator.generator().idsIssuedAheadOfClock())
                    .build();
        };
    }
}
