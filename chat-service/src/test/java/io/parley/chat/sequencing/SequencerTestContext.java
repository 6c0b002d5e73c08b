package io.parley.chat.sequencing;

import io.parley.chat.config.ChatSettings;
import io.parley.chat.conversation.Conversations;
import io.parley.chat.store.MessageStore;
import io.parley.chat.sync.SyncService;
import io.parley.id.IdGenerator;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The sequencer, the store, sync and the real {@link Conversations} on Boot's Kafka and Cassandra
 * auto-configuration, without the WebSocket tier: what steps 4 and 5 and sync need, nothing more.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({KafkaAutoConfiguration.class, CassandraAutoConfiguration.class})
@EnableConfigurationProperties(ChatSettings.class)
@Import({MessageStore.class, SyncService.class, Conversations.class,
        Sequencer.class, FanOut.class, SequencerListener.class, SequencerKafkaConfig.class})
class SequencerTestContext {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Only 1:1 conversation creation takes ids, which these tests do not exercise. */
    @Bean
    IdGenerator ids() {
        AtomicLong next = new AtomicLong(System.nanoTime());
        return next::incrementAndGet;
    }
}
