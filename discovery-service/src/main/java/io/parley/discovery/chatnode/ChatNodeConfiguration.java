package io.parley.discovery.chatnode;

import java.time.Clock;
import java.util.Random;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans of the chat-node feature that are not components of their own. */
@Configuration(proxyBeanMethods = false)
class ChatNodeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ChatNodeSelector chatNodeSelector(ChatNodeProperties properties) {
        // java.util.Random is thread-safe; requests pick concurrently.
        return new ChatNodeSelector(properties.staleAfter(), new Random());
    }
}
