package io.parley.chat.session;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The topic behind {@link SessionDirectory}, created at startup by Boot's KafkaAdmin if missing. */
@Configuration(proxyBeanMethods = false)
public class SessionDirectoryTopic {

    /**
     * Compacted, so it holds one record per live session and instance however long the cluster
     * runs. One partition: every node reads all of it anyway, and a partition takes far more
     * session opens and closes per second than a cluster has.
     */
    @Bean
    NewTopic sessionsTopic(ChatSettings settings) {
        return TopicBuilder.name(Topics.SESSIONS)
                .partitions(1)
                .replicas(settings.deliveryTopic().replicas())
                .config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                .build();
    }
}
