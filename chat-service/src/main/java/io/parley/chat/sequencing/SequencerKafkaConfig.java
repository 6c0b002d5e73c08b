package io.parley.chat.sequencing;

import io.parley.common.events.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The storage step's Kafka wiring ({@link StorageListener}): its own consumer factory (raw bytes,
 * read_committed), poll-at-a-time handing with one offset commit per poll after success, and an
 * error handler that retries a failing poll until it succeeds instead of skipping it. Also
 * declares the topics the message path reads and writes (KafkaAdmin creates them if missing;
 * node delivery topics belong to their node).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SequencerSettings.class)
class SequencerKafkaConfig {

    static final String CONTAINER_FACTORY = "sequencerContainerFactory";
    static final String WORK_EXECUTOR = "sequencerWork";

    private static final Logger log = LoggerFactory.getLogger(SequencerKafkaConfig.class);

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> sequencerContainerFactory(
            KafkaProperties kafkaProperties, SequencerSettings settings, SequencedMembers members) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(consumerFactory(kafkaProperties, settings));
        factory.setConcurrency(settings.storageThreads());
        factory.setBatchListener(true);
        // Offsets are committed only for polls whose handling returned (persisted, routed), and at
        // most once per interval: a commit per poll was a fifth of the broker's requests, and a
        // replay of the polls since the last commit changes nothing (every step is idempotent).
        // Pending offsets are also committed when partitions are revoked.
        factory.getContainerProperties().setAckMode(AckMode.TIME);
        factory.getContainerProperties().setAckTime(Math.max(1, settings.storageCommitInterval().toMillis()));
        factory.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                members.forgetAll();
            }

            @Override
            public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                members.forgetAll();
            }
        });
        factory.setCommonErrorHandler(errorHandler(settings));
        return factory;
    }

    private static DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(KafkaProperties kafkaProperties,
                                                                               SequencerSettings settings) {
        Map<String, Object> props = new HashMap<>(kafkaProperties.buildConsumerProperties());
        // The deserializers are the instances below; spring.json.* keys meant for property-configured
        // ones would clash with them.
        props.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, StorageListener.GROUP);
        // Only what the sequencer committed: an aborted (fenced) transaction's records never count.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A read_committed fetch that finds only records of open transactions waits out
        // fetch.max.wait.ms (500 ms by default) even once they commit: that wait would be most of a
        // message's latency.
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // This is the durable path of every message: a group that has no offsets yet (first start
        // of the system) must read the topic from its beginning, never skip what is already there.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A poll is one batch: a few Cassandra round trips and one wait for Kafka acks whatever its
        // size, so a larger poll costs little more time than a small one.
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        return new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Retries a failing poll with exponential back-off, without limit: a message that cannot be
     * stored now (Cassandra or Kafka down) must be stored later, and skipping it would lose an
     * acknowledged message. Records that can never be sequenced never get this far: the sequencer
     * sets them aside on the dead-letter topic ({@link DeadLetters}).
     */
    private static DefaultErrorHandler errorHandler(SequencerSettings settings) {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(Math.max(settings.retryMaxInterval().toMillis(), 200));
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        backOff.setMaxAttempts(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, exception) -> log.error(
                "Giving up on record {}-{}@{} (key {})", record.topic(), record.partition(), record.offset(),
                record.key(), exception), backOff);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception exception, int attempt) {
                log.warn("Storing {}-{}@{} failed (attempt {}), retrying: {}",
                        record.topic(), record.partition(), record.offset(), attempt, rootMessage(exception));
            }

            @Override
            public void failedDelivery(ConsumerRecords<?, ?> records, Exception exception, int attempt) {
                log.warn("Storing a poll of {} records failed (attempt {}), retrying: {}",
                        records.count(), attempt, rootMessage(exception));
            }
        });
        return handler;
    }

    /**
     * Where a storage poll's blocking steps run (group changes, member reads), so that the
     * conversations of one poll proceed side by side.
     */
    @Bean(name = WORK_EXECUTOR, destroyMethod = "shutdown")
    ExecutorService sequencerWork(SequencerSettings settings) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(settings.workThreads(), task -> {
            Thread thread = new Thread(task, "sequencer-work-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
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
    NewTopic messagesSequencedTopic(SequencerSettings settings) {
        return TopicBuilder.name(Topics.MESSAGES_SEQUENCED)
                .partitions(settings.topicPartitions())
                .replicas(settings.topicReplicas())
                .build();
    }

    @Bean
    NewTopic messagesDeadLetterTopic(SequencerSettings settings) {
        return TopicBuilder.name(Topics.MESSAGES_DEAD_LETTER)
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
