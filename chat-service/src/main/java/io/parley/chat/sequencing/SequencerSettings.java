package io.parley.chat.sequencing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sequencer ({@code parley.chat.sequencer.*}).
 *
 * @param streamThreads     sequencer (Kafka Streams) threads on this node; each owns some partitions and
 *                          commits its own transaction every commit interval, so every thread adds a
 *                          few broker requests per interval: one per node sustained 1,000 msgs/s of
 *                          1:1 over two nodes on a 2-core machine (docs/benchmarks.md)
 * @param storageThreads    storage consumer threads (group {@code parley-storage}) on this node; each
 *                          owns some partitions of {@code parley.messages.sequenced}
 * @param storageCommitInterval how often the storage step commits the offsets of the polls it has
 *                          finished: every step is idempotent, so a crash replays at most this much
 *                          (rewriting the same rows, re-sending deliveries devices drop as duplicates)
 * @param maxPollRecords    records handed over in one poll: the batch whose writes and fan-out are
 *                          issued together and whose offsets are committed once
 * @param workThreads       threads shared by this node's storage consumer threads for a poll's blocking
 *                          steps (group changes, member reads): conversations of a poll proceed side by side
 * @param commitInterval    how often the sequencer commits its transaction: what it sequenced becomes
 *                          visible to storage at the commit, so this bounds the latency it adds; each
 *                          commit costs the broker a few writes
 * @param recentWindow      how long the sequencer remembers the ids of the messages it sequenced, to drop
 *                          client retries; older retries are checked against the store (slower)
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
        @DefaultValue("1") int streamThreads,
        @DefaultValue("1") int storageThreads,
        @DefaultValue("1s") Duration storageCommitInterval,
        @DefaultValue("500") int maxPollRecords,
        @DefaultValue("8") int workThreads,
        @DefaultValue("16") int topicPartitions,
        @DefaultValue("1") short topicReplicas,
        @DefaultValue("10s") Duration retryMaxInterval,
        @DefaultValue("60s") Duration fanOutTimeout,
        @DefaultValue("25ms") Duration commitInterval,
        @DefaultValue("2m") Duration recentWindow) {

    public SequencerSettings {
        if (streamThreads < 1 || storageThreads < 1 || maxPollRecords < 1 || workThreads < 1 || topicPartitions < 1
                || topicReplicas < 1) {
            throw new IllegalArgumentException("parley.chat.sequencer stream-threads, storage-threads, max-poll-records, "
                    + "work-threads, topic-partitions and topic-replicas must be positive");
        }
        if (storageCommitInterval.isNegative() || storageCommitInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("parley.chat.sequencer.storage-commit-interval must be between 0 and 1m");
        }
        if (commitInterval.isNegative() || recentWindow.compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException("parley.chat.sequencer.commit-interval must not be negative and "
                    + "recent-window must be at least 10s");
        }
        if (retryMaxInterval.isNegative() || retryMaxInterval.compareTo(Duration.ofMinutes(4)) > 0) {
            // The back-off sleeps on the consumer thread; past max.poll.interval.ms (5 min) the
            // broker would take the partitions away mid-retry.
            throw new IllegalArgumentException("parley.chat.sequencer.retry-max-interval must be between 0 and 4m");
        }
    }
}
