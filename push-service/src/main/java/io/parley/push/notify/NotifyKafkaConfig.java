package io.parley.push.notify;

import io.parley.common.events.OfflineNotificationRequested;
import io.parley.common.events.Topics;
import io.parley.push.config.PushSettings;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The consumer of {@code parley.notifications.offline}: JSON of {@link OfflineNotificationRequested}
 * without type headers, offsets committed per poll once its requests are in {@code push_pending},
 * failures retried without limit, and a rebalance listener that hands open windows over with the partitions.
 */
@Configuration(proxyBeanMethods = false)
class NotifyKafkaConfig {

    static final String CONTAINER_FACTORY = "pushContainerFactory";

    private static final Logger log = LoggerFactory.getLogger(NotifyKafkaConfig.class);

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, OfflineNotificationRequested> pushContainerFactory(
            KafkaProperties kafkaProperties, PushSettings settings, Notifier notifier) {
        ConcurrentKafkaListenerContainerFactory<String, OfflineNotificationRequested> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory(kafkaProperties));
        factory.setConcurrency(settings.consumer().concurrency());
        factory.setBatchListener(true);
        factory.getContainerProperties().setAckMode(AckMode.BATCH);
        factory.getContainerProperties().setConsumerRebalanceListener(new HandOver(notifier));
        factory.setCommonErrorHandler(errorHandler(settings));
        return factory;
    }

    private static DefaultKafkaConsumerFactory<String, OfflineNotificationRequested> consumerFactory(
            KafkaProperties kafkaProperties) {
        Map<String, Object> props = new HashMap<>(kafkaProperties.buildConsumerProperties());
        props.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, NotificationListener.GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The group's first start reads what is there (old requests are dropped by parley.push.max-age)
        // rather than skip requests published while it was starting.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        JacksonJsonDeserializer<OfflineNotificationRequested> json =
                new JacksonJsonDeserializer<>(OfflineNotificationRequested.class, false);
        return new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ErrorHandlingDeserializer<>(json));
    }

    /**
     * A poll that cannot be saved (Cassandra unavailable) is retried with back-off until it can:
     * skipping it would lose notifications. An unreadable record reaches the listener as a null
     * value (ErrorHandlingDeserializer) and is logged and passed over there.
     */
    private static DefaultErrorHandler errorHandler(PushSettings settings) {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(Math.max(settings.retry().maxBackoff().toMillis(), 200));
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> log.error(
                "Skipping unreadable record {}-{}@{} (key {}); it is not an OfflineNotificationRequested",
                record.topic(), record.partition(), record.offset(), record.key(), exception), backOff);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception exception, int attempt) {
                log.warn("Taking notification request {}-{}@{} failed (attempt {}), retrying: {}",
                        record.topic(), record.partition(), record.offset(), attempt, exception.toString());
            }

            @Override
            public void failedDelivery(ConsumerRecords<?, ?> records, Exception exception, int attempt) {
                log.warn("Taking a poll of {} notification request(s) failed (attempt {}), retrying: {}",
                        records.count(), attempt, exception.toString());
            }
        });
        return handler;
    }

    /** Same shape as chat-service's declaration, so whichever service starts first creates it alike. */
    @Bean
    NewTopic offlineNotificationsTopic(PushSettings settings) {
        return TopicBuilder.name(Topics.NOTIFICATIONS_OFFLINE)
                .partitions(settings.consumer().topicPartitions())
                .replicas(settings.consumer().topicReplicas())
                .build();
    }

    /**
     * Partitions given away: drop their open windows (the new owner reloads them from
     * {@code push_pending}). Partitions received: reload what their previous owner left open.
     */
    private record HandOver(Notifier notifier) implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            notifier.forget(partitions.stream().map(TopicPartition::partition).toList());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(p -> notifier.recover(p.partition()));
        }
    }
}
