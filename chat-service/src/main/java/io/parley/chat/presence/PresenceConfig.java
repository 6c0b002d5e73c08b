package io.parley.chat.presence;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.PresenceChanged;
import io.parley.common.events.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Presence runs beside message delivery, never in its way: its own topic per node
 * ({@code parley.presence.node.<nodeId>}), its own consumer, its own worker threads and its own
 * scheduler (node heartbeats must not wait behind session-row refreshes).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PresenceSettings.class)
class PresenceConfig {

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService presenceWorkers(PresenceSettings settings) {
        return new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new CustomizableThreadFactory("presence-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService presenceScheduler() {
        return Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("presence-timer-"));
    }

    @Bean
    NewTopic nodePresenceTopic(ChatSettings chat, PresenceSettings settings) {
        PresenceSettings.Topic topic = settings.topic();
        return TopicBuilder.name(Topics.nodePresence(chat.nodeId()))
                .partitions(topic.partitions())
                .replicas(topic.replicas())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()))
                .build();
    }

    @Bean
    ConcurrentMessageListenerContainer<String, PresenceChanged> nodePresenceContainer(
            KafkaProperties kafka, ChatSettings chat, PresenceListener listener) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.keySet().removeIf(key -> key.startsWith("spring.json.")
                || key.equals(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG)
                || key.equals(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-presence-" + chat.nodeId());
        // Changes from before this node started concern sessions it does not have.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var values = new ErrorHandlingDeserializer<PresenceChanged>(
                new JacksonJsonDeserializer<>(PresenceChanged.class, false));
        var consumers = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), values);
        ContainerProperties properties = new ContainerProperties(Topics.nodePresence(chat.nodeId()));
        // Live traffic only this node reads: a restart starts where the group left off or at the end, and
        // nothing before it is for a session here. So offsets are committed every few seconds, not per
        // poll (a commit per poll was one more broker request for every batch read).
        properties.setAckMode(ContainerProperties.AckMode.TIME);
        properties.setAckTime(5_000);
        properties.setMessageListener(listener);
        var container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        // Best effort: a record that fails twice is skipped (a later change or a resubscribe corrects it).
        container.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(0L, 1L)));
        container.setBeanName("nodePresenceContainer");
        return container;
    }
}
