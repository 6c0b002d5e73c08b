package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import io.parley.common.events.TokensRevoked;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The revocation topic api-service announces logouts and password changes on, and this node's
 * consumer of it: a consumer group of its own ({@code parley-revocations-<nodeId>}), so every node
 * gets every record, starting at the end when the group is new (a revocation from before this node
 * ran concerns no session it holds).
 */
@Configuration(proxyBeanMethods = false)
class TokenRevocationConfig {

    /** Longer than any access token lives (15 minutes by default), after which a record ends nothing. */
    private static final Duration RETENTION = Duration.ofDays(1);

    /** Created here (chat nodes are its readers); api-service only writes to it. */
    @Bean
    NewTopic tokenRevocationTopic(ChatSettings settings) {
        return TopicBuilder.name(Topics.TOKEN_REVOCATIONS)
                .partitions(1)
                .replicas(settings.deliveryTopic().replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION.toMillis()))
                .build();
    }

    @Bean
    ConcurrentMessageListenerContainer<String, TokensRevoked> tokenRevocationContainer(
            KafkaProperties kafka, ChatSettings settings, TokenRevocations listener) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-revocations-" + settings.nodeId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new ErrorHandlingDeserializer<TokensRevoked>(
                new JacksonJsonDeserializer<>(TokensRevoked.class, false));
        var consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);
        ContainerProperties properties = new ContainerProperties(Topics.TOKEN_REVOCATIONS);
        properties.setMessageListener(listener);
        var container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        // A record that cannot be read or applied is skipped after one retry: the sessions it would
        // close still end when their tokens expire, and it must not stop later revocations.
        container.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(0L, 1L)));
        container.setBeanName("tokenRevocationContainer");
        return container;
    }
}
