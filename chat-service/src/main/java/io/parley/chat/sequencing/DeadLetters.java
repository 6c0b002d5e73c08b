package io.parley.chat.sequencing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.common.events.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Sets aside a record of {@code parley.messages.submitted} that can never be sequenced: the whole
 * record (key, value bytes as they were, headers) goes to {@link Topics#MESSAGES_DEAD_LETTER}
 * with Spring Kafka's standard {@code kafka_dlt-*} headers saying where it came from and why, an
 * ERROR line is logged and {@code parley.sequencer.dead.letters} counts it. The partition then
 * moves on. The dead letter is written in the sequencer's transaction, together with the input
 * offset that passes it: it is set aside exactly once, never lost and never retried.
 */
@Component
class DeadLetters {

    static final String COUNTER = "parley.sequencer.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final Counter counter;

    DeadLetters(ObjectProvider<MeterRegistry> meters) {
        this.counter = Counter.builder(COUNTER)
                .description("records of parley.messages.submitted set aside because they can never be sequenced")
                .register(meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** The dead letter of a record read from {@code origin}; logs and counts it. */
    Record<String, byte[]> setAside(Record<String, byte[]> record, RecordMetadata origin, String reason) {
        log.error("Setting aside record {}-{}@{} (key {}) on {}: it can never be sequenced: {}",
                origin.topic(), origin.partition(), origin.offset(), record.key(), Topics.MESSAGES_DEAD_LETTER, reason);
        counter.increment();
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, origin.topic().getBytes(StandardCharsets.UTF_8))
                .add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(origin.partition()).array())
                .add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(origin.offset()).array())
                .add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason.getBytes(StandardCharsets.UTF_8));
        return new Record<>(record.key(), record.value(), record.timestamp(), headers);
    }

    double count() {
        return counter.count();
    }
}
