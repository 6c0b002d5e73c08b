package io.parley.chat.sequencing;

import io.parley.common.events.MessageSubmitted;
import io.parley.common.events.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The sequencer's Kafka wiring: its own consumer factory (JSON of {@link MessageSubmitted}, no type
 * headers), per-record offset commits after success, and an error handler that retries a failing
 * record until it succeeds instead of skipping it. Also declares the two topics the sequencer
 * reads and writes (KafkaAdmin creates them if missing; node delivery topics belong to their node).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SequencerSettings.class)
class SequencerKafkaConfig {

    static final String CONTAINER_FACTORY = "sequencerContainerFactory";

    private static final Logger log = LoggerFactory.getLogger(SequencerKafkaConfig.class);

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, MessageSubmitted> sequencerContainerFactory(
            KafkaProperties kafkaProperties, SequencerSettings settings) {
        ConcurrentKafkaListenerContainerFactory<String, MessageSubmitted> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory(kafkaProperties));
        factory.setConcurrency(settings.concurrency());
        // Commit each record's offset once its handling returned: sequenced, persisted, routed.
        factory.getContainerProperties().setAckMode(AckMode.RECORD);
        factory.setCommonErrorHandler(errorHandler(settings));
        return factory;
    }

    private static DefaultKafkaConsumerFactory<String, MessageSubmitted> consumerFactory(KafkaProperties kafkaProperties) {
        Map<String, Object> props = new HashMap<>(kafkaProperties.buildConsumerProperties());
        // The deserializers are the instances below; spring.json.* keys meant for property-configured
        // ones would clash with them.
        props.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, SequencerListener.GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // This is the durable path of every message: a group that has no offsets yet (first start
        // of the system) must read the topic from its beginning, never skip what is already there.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Each record costs a few Cassandra round trips and Kafka acks; a modest batch keeps one
        // poll's work far below max.poll.interval.ms even when retries slow it down.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // The target type is fixed and type headers are ignored (producers do not send them).
        JacksonJsonDeserializer<MessageSubmitted> json = new JacksonJsonDeserializer<>(MessageSubmitted.class, false);
        return new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ErrorHandlingDeserializer<>(json));
    }

    /**
     * Retries a failing record with exponential back-off, without limit: a record that cannot be
     * sequenced now (Cassandra or Kafka down) must be sequenced later, and skipping it would lose an
     * acknowledged message. Only a record that can never be read (not JSON of MessageSubmitted;
     * DeserializationException is not retryable) is logged as an error and passed over, so that it
     * cannot block every conversation of its partition forever.
     */
    private static DefaultErrorHandler errorHandler(SequencerSettings settings) {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(Math.max(settings.retryMaxInterval().toMillis(), 200));
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> log.error(
                "Skipping unreadable record {}-{}@{} (key {}); it is not a MessageSubmitted",
                record.topic(), record.partition(), record.offset(), record.key(), exception), backOff);
        handler.setRetryListeners((record, exception, attempt) -> log.warn(
                "Sequencing {}-{}@{} failed (attempt {}), retrying: {}",
                record.topic(), record.partition(), record.offset(), attempt, rootMessage(exception)));
        return handler;
    }

    private static String rootMessage(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Bean
    NewTopic messagesSubmittedTopic(SequencerSettings settings) {
        return TopicBuilder.name(Topics.MESSAGES_SUBMITTED)
                .partitions(settings.topicPartitions())
                .replicas(settings.topicReplicas())
                .build();
    }

    @Bean
    NewTopic offlineNotificationsTopic(SequencerSettings settings) {
        return TopicBuilder.name(Topics.NOTIFICATIONS_OFFLINE)
                .partitions(settings.topicPartitions())
                .replicas(settings.topicReplicas())
                .build();
    }
}
