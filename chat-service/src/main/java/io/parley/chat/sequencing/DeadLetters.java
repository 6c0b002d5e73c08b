package io.parley.chat.sequencing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.common.events.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Sets aside a record of {@code parley.messages.submitted} that can never be sequenced: the whole
 * record (key, value bytes as they were, headers) goes to {@link Topics#MESSAGES_DEAD_LETTER}
 * with Spring Kafka's standard {@code kafka_dlt-*} headers saying where it came from and why, an
 * ERROR line is logged and {@code parley.sequencer.dead.letters} counts it. The partition then
 * moves on. The offset of the poll is committed only after the dead letter is acknowledged, so a
 * crash in between sets it aside again rather than losing it.
 */
@Component
class DeadLetters implements DisposableBean {

    static final String COUNTER = "parley.sequencer.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DefaultKafkaProducerFactory<String, byte[]> producers;
    private final KafkaTemplate<String, byte[]> kafka;
    private final Counter counter;

    DeadLetters(KafkaProperties kafkaProperties, ObjectProvider<MeterRegistry> meters) {
        // Its own producer of raw bytes (not a bean: a KafkaTemplate bean would replace Boot's
        // JSON one), with the same durable settings as every producer of this node.
        Map<String, Object> props = new HashMap<>(kafkaProperties.buildProducerProperties());
        props.keySet().removeIf(key -> key.startsWith("spring.json."));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producers = new DefaultKafkaProducerFactory<>(props);
        this.kafka = new KafkaTemplate<>(producers);
        this.counter = Counter.builder(COUNTER)
                .description("records of parley.messages.submitted set aside because they can never be sequenced")
                .register(meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    CompletableFuture<?> setAside(ConsumerRecord<String, byte[]> record, String reason) {
        log.error("Setting aside record {}-{}@{} (key {}) on {}: it can never be sequenced: {}",
                record.topic(), record.partition(), record.offset(), record.key(), Topics.MESSAGES_DEAD_LETTER, reason);
        counter.increment();
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.MESSAGES_DEAD_LETTER, null,
                record.key(), record.value());
        for (Header header : record.headers()) {
            dead.headers().add(header);
        }
        dead.headers()
                .add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8))
                .add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(record.partition()).array())
                .add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(record.offset()).array())
                .add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason.getBytes(StandardCharsets.UTF_8));
        return kafka.send(dead);
    }

    double count() {
        return counter.count();
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
