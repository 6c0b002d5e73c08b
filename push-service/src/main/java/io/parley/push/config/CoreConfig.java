package io.parley.push.config;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Small shared beans. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PushSettings.class)
class CoreConfig {

    /** Mute expiry and claim timestamps; replaceable in tests. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
