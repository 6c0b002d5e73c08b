package io.parley.id.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.parley.id.lease.LeasedIdGenerator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer on the classpath, meters for what an operator must alert on: ids issued while
 * the clock was behind, the largest clock regression seen, and whether the lease is valid.
 * A {@link MeterBinder} is bound to every registry by Spring Boot, whatever registries exist.
 */
@AutoConfiguration(after = IdGeneratorAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(LeasedIdGenerator.class)
public class IdGeneratorMetricsAutoConfiguration {

    @Bean
    MeterBinder idGeneratorMeters(LeasedIdGenerator generator) {
        String workerId = Integer.toString(generator.workerId());
        return registry -> {
            FunctionCounter.builder("parley.id.issued.ahead.of.clock", generator,
                            g -> g.generator().idsIssuedAheadOfClock())
                    .description("Ids issued while the wall clock was behind the generator's logical clock")
                    .tag("worker", workerId)
                    .register(registry);
            Gauge.builder("parley.id.clock.regression.max", generator,
                            g -> g.generator().maxClockRegression().toMillis())
                    .description("Largest distance the wall clock was seen behind the generator")
                    .baseUnit("milliseconds")
                    .tag("worker", workerId)
                    .register(registry);
            Gauge.builder("parley.id.lease.valid", generator, g -> g.lease().isValid() ? 1 : 0)
                    .description("1 while the worker id lease is valid and ids can be issued, else 0")
                    .tag("worker", workerId)
                    .register(registry);
        };
    }
}
