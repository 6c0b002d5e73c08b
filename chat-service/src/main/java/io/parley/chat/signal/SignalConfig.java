package io.parley.chat.signal;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.ConversationSignal;
import io.parley.common.events.Topics;
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
 * This node's signal topic {@code parley.signals.node.<nodeId>} (receipts and typing for its
 * sessions) and its consumer: apart from message delivery, so that chatter never delays messages.
 */
@Configuration(proxyBeanMethods = false)
class SignalConfig {

    /** A signal older than this is useless (typing expires in seconds; receipts are also in Cassandra). */
    private static final Duration RETENTION = Duration.ofMinutes(10);

    @Bean
    NewTopic nodeSignalTopic(ChatSettings settings) {
        return TopicBuilder.name(Topics.nodeSignals(settings.nodeId()))
                .partitions(settings.deliveryTopic().partitions())
                .replicas(settings.deliveryTopic().replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION.toMillis()))
                .build();
    }

    @Bean
    ConcurrentMessageListenerContainer<String, ConversationSignal> nodeSignalContainer(
            KafkaProperties kafka, ChatSettings settings, NodeSignals listener) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-signals-" + settings.nodeId());
        // Signals from before this node started concern sessions it does not have.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new ErrorHandlingDeserializer<ConversationSignal>(
                new JacksonJsonDeserializer<>(ConversationSignal.class, false));
        var consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);
        ContainerProperties properties = new ContainerProperties(Topics.nodeSignals(settings.nodeId()));
        // Live traffic only this node reads: a restart starts where the group left off or at the end, and
        // nothing before it is for a session here. So offsets are committed every few seconds, not per
        // poll (a commit per poll was one more broker request for every batch read).
        properties.setAckMode(ContainerProperties.AckMode.TIME);
        properties.setAckTime(5_000);
        properties.setMessageListener(listener);
        var container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        // Best effort: a record that fails twice is skipped (the next receipt or typing supersedes it).
        container.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(0L, 1L)));
        container.setBeanName("nodeSignalContainer");
        return container;
    }
}
