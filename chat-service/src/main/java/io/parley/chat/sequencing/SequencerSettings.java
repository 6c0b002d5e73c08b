package io.parley.chat.sequencing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sequencer ({@code parley.chat.sequencer.*}).
 *
 * @param concurrency       consumer threads on this node; each owns some partitions of
 *                          {@code parley.messages.submitted}, so more than its partition count is useless
 * @param topicPartitions   partitions of {@code parley.messages.submitted} when this node creates it:
 *                          the most sequencer threads the whole cluster can use. Conversations are
 *                          spread over them by key; it cannot shrink later, and growing it moves
 *                          conversations between partitions (do that only with the sequencers stopped)
 * @param topicReplicas     replication factor of the topics this node creates (1 on a one-broker cluster)
 * @param retryMaxInterval  longest pause between attempts at a record that keeps failing (Cassandra or
 *                          Kafka unavailable); the record is retried until it succeeds, never skipped
 * @param fanOutTimeout     how long one record waits for its deliveries' acks before it is failed and retried
 */
@ConfigurationProperties("parley.chat.sequencer")
public record SequencerSettings(
        @DefaultValue("1") int concurrency,
        @DefaultValue("16") int topicPartitions,
        @DefaultValue("1") short topicReplicas,
        @DefaultValue("10s") Duration retryMaxInterval,
        @DefaultValue("60s") Duration fanOutTimeout) {

    public SequencerSettings {
        if (concurrency < 1 || topicPartitions < 1 || topicReplicas < 1) {
            throw new IllegalArgumentException("parley.chat.sequencer concurrency, topic-partitions and topic-replicas must be positive");
        }
        if (retryMaxInterval.isNegative() || retryMaxInterval.compareTo(Duration.ofMinutes(4)) > 0) {
            // The back-off sleeps on the consumer thread; past max.poll.interval.ms (5 min) the
            // broker would take the partitions away mid-retry.
            throw new IllegalArgumentException("parley.chat.sequencer.retry-max-interval must be between 0 and 4m");
        }
    }
}
