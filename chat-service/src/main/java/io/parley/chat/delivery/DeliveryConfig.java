package io.parley.chat.delivery;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.session.DeliveryReadiness;
import io.parley.common.events.MessageDelivery;
import io.parley.common.events.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * This node's delivery topic {@code parley.deliveries.node.<nodeId>} and its consumer. Only this
 * node reads it (group {@code parley-node-<nodeId>}), so a node's routing work grows with its own
 * sessions, never with total traffic.
 */
@Configuration(proxyBeanMethods = false)
class DeliveryConfig {

    private static final Logger log = LoggerFactory.getLogger(DeliveryConfig.class);

    /** Created at startup by Boot's KafkaAdmin; kept short-lived because deliveries are ephemeral. */
    @Bean
    NewTopic nodeDeliveryTopic(ChatSettings settings) {
        ChatSettings.DeliveryTopic topic = settings.deliveryTopic();
        return TopicBuilder.name(Topics.nodeDeliveries(settings.nodeId()))
                .partitions(topic.partitions())
                .replicas(topic.replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()))
                .build();
    }

    @Bean
    ConcurrentMessageListenerContainer<String, MessageDelivery> nodeDeliveryContainer(
            KafkaProperties kafka, ChatSettings settings, NodeDeliveries listener, DeliveryReadiness readiness) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // The deserializers are the instances below; property-configured ones would clash with them.
        config.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-node-" + settings.nodeId());
        // A node that starts has no sessions yet: nothing older than now is for anyone here.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Plain JSON without type headers; a record that is not a MessageDelivery is logged and skipped.
        var values = new ErrorHandlingDeserializer<MessageDelivery>(
                new JacksonJsonDeserializer<>(MessageDelivery.class, false));
        var consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);

        ContainerProperties properties = new ContainerProperties(Topics.nodeDeliveries(settings.nodeId()));
        // Live traffic only this node reads: a restart starts where the group left off or at the end, and
        // nothing before it is for a session here. So offsets are committed every few seconds, not per
        // poll (a commit per poll was one more broker request for every batch read).
        properties.setAckMode(ContainerProperties.AckMode.TIME);
        properties.setAckTime(5_000);
        properties.setMessageListener(listener);
        properties.setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                // Resolve "latest" now, so every record produced after this point is read; only
                // then may sessions be welcomed (see DeliveryReadiness).
                partitions.forEach(consumer::position);
                log.info("delivery consumer reads {} partitions of {}", partitions.size(),
                        Topics.nodeDeliveries(settings.nodeId()));
                readiness.markReady();
            }
        });
        var container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(0L, 2L)));
        container.setBeanName("nodeDeliveryContainer");
        return container;
    }
}
