package io.parley.chat.sequencing;

import io.parley.chat.config.ChatSettings;
import io.parley.common.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.CleanupConfig;

/**
 * The sequencer as a Kafka Streams application ({@code parley-sequencer}; every chat node runs an
 * instance, and Kafka gives each partition of {@code parley.messages.submitted} to one of them):
 * {@code submitted → SequencingProcessor → sequenced | dead letters}, exactly once, with the
 * processor's two stores kept in memory and backed by compacted changelog topics.
 */
@Configuration(proxyBeanMethods = false)
class SequencerStreamsConfig {

    static final String APPLICATION_ID = "parley-sequencer";

    private static final Logger log = LoggerFactory.getLogger(SequencerStreamsConfig.class);

    @Bean
    StreamsBuilderFactoryBean sequencerStreams(KafkaProperties kafkaProperties, ChatSettings chat,
                                               SequencerSettings settings, SequenceHistory history,
                                               DeadLetters deadLetters, Clock clock) {
        StreamsBuilderFactoryBean streams = new StreamsBuilderFactoryBean(
                new KafkaStreamsConfiguration(properties(kafkaProperties, chat.nodeId(), settings)),
                // In-memory stores: nothing worth keeping on disk; a restart restores from the changelog.
                new CleanupConfig(true, true));
        streams.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureTopology(Topology topology) {
                addSequencer(topology, history, deadLetters, settings, clock);
            }
        });
        // Leave the group at once on a clean stop (drain, shutdown): the partitions move now, not
        // after the session timeout.
        streams.setLeaveGroupOnClose(true);
        streams.setStreamsUncaughtExceptionHandler(failure -> {
            // Cassandra unreachable for a history read, a broker timeout: the transaction is
            // aborted and a new thread takes up the same records from the last commit. A short
            // pause keeps an outage from becoming a hot loop.
            log.warn("Sequencer thread failed; replacing it: {}", failure.toString());
            pause(settings.retryMaxInterval().toMillis());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }

    static void addSequencer(Topology topology, SequenceHistory history, DeadLetters deadLetters,
                             SequencerSettings settings, Clock clock) {
        topology.addSource("submitted", new StringDeserializer(), new ByteArrayDeserializer(),
                        Topics.MESSAGES_SUBMITTED)
                .addProcessor("sequence", () -> new SequencingProcessor(history, deadLetters,
                        settings.recentWindow(), clock), "submitted")
                .addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(SequencingProcessor.LAST_SEQ_STORE),
                        Serdes.Long(), Serdes.Long()), "sequence")
                .addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(SequencingProcessor.RECENT_MESSAGES_STORE),
                        Serdes.String(), Serdes.ByteArray()), "sequence")
                .addSink(SequencingProcessor.TO_SEQUENCED, Topics.MESSAGES_SEQUENCED,
                        new StringSerializer(), new ByteArraySerializer(), "sequence")
                .addSink(SequencingProcessor.TO_DEAD_LETTERS, Topics.MESSAGES_DEAD_LETTER,
                        new StringSerializer(), new ByteArraySerializer(), "sequence");
    }

    static Map<String, Object> properties(KafkaProperties kafkaProperties, String nodeId, SequencerSettings settings) {
        Map<String, Object> props = new HashMap<>(kafkaProperties.buildStreamsProperties());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaProperties.getBootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        // Names the node, so the group's members say which node they are.
        props.put(StreamsConfig.CLIENT_ID_CONFIG, nodeId + "-sequencer");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        // Each commit is one transaction; its records become visible to storage when it commits.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) settings.topicReplicas());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(nodeId));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), settings.maxPollRecords());
        // The durable path of every message: a new group reads the topic from its beginning.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Like every consumer of the node (application.yml): a killed node's partitions move
        // after 10 s rather than Kafka's 45 s.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // A killed node's open transaction blocks read_committed readers of its partitions until
        // the coordinator aborts it: keep that short.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 10_000);
        // The commit flushes the producer; waiting longer than that for a fuller batch only adds latency.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2);
        // A transaction's first write can find the previous commit still completing
        // (CONCURRENT_TRANSACTIONS, retried): at the default 100 ms back-off that pause would be
        // most of a message's latency.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 100);
        return props;
    }

    /** Per instance: two nodes on one machine must not share task directories. */
    private static String stateDir(String nodeId) {
        try {
            return Files.createTempDirectory("parley-sequencer-" + nodeId + "-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.min(millis, 1_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
