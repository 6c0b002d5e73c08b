package io.parley.chat.config;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Small shared beans of the chat node. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChatSettings.class)
class CoreConfig {

    /** The node's clock (sentAt of accepted messages, session bookkeeping); replaceable in tests. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
