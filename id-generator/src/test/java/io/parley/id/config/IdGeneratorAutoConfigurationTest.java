package io.parley.id.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.id.IdGenerator;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Conditions only; leasing through a real CqlSession is covered by IdGeneratorAutoConfigurationIT. */
class IdGeneratorAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdGeneratorAutoConfiguration.class,
                    IdGeneratorHealthAutoConfiguration.class, IdGeneratorMetricsAutoConfiguration.class));

    @Test
    void withoutACqlSessionThereIsNoGeneratorAndNoFailure() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(IdGenerator.class);
            assertThat(context).doesNotHaveBean("idGeneratorHealthIndicator");
            assertThat(context).doesNotHaveBean("idGeneratorMeters");
        });
    }

    @Test
    void anApplicationsOwnGeneratorIsLeftAlone() {
        runner.withBean(IdGenerator.class, () -> () -> 42L).run(context -> {
            assertThat(context).getBean(IdGenerator.class).extracting(IdGenerator::nextId).isEqualTo(42L);
            assertThat(context).doesNotHaveBean("idGeneratorHealthIndicator");
        });
    }
}
